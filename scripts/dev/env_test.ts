import assert from "node:assert/strict";
import { devConnectPorts, devPorts, keepUserSet } from "./env.ts";
import { systemEnv } from "../launcher.ts";

Deno.test("dev keeps every variable the user set (PUBLIC_URL, *_ADDR) and fills in only the unset or empty ones", () => {
  const ports = devPorts({});
  const user = {
    PUBLIC_URL: "https://shop.example",
    ORDERS_ADDR: "10.0.0.7:6000",
    OMS_ENV: "production",
    KITCHEN_AUTO_PREP: "false",
    STOCK_ADDR: "", // empty: unset, as the services read it
  };
  const env = keepUserSet(systemEnv(ports, { OMS_ENV: "development", KITCHEN_AUTO_PREP: "true" }), user);
  assert.equal(env.PUBLIC_URL, "https://shop.example");
  assert.equal(env.ORDERS_ADDR, "10.0.0.7:6000");
  assert.equal(env.OMS_ENV, "production");
  assert.equal(env.KITCHEN_AUTO_PREP, "false");
  assert.equal(env.STOCK_ADDR, "127.0.0.1:50052");
  assert.equal(env.PAYMENTS_ADDR, "127.0.0.1:50053");
});

Deno.test("dev's ports are the user's *_GRPC_PORT and WEB_PORT, else the defaults; a bad one is named", () => {
  assert.deepEqual(devPorts({}), { orders: 50051, stock: 50052, payments: 50053, kitchen: 50054, web: 8080 });
  assert.deepEqual(devPorts({ WEB_PORT: "9090", STOCK_GRPC_PORT: "" }), {
    orders: 50051,
    stock: 50052,
    payments: 50053,
    kitchen: 50054,
    web: 9090,
  });
  assert.throws(
    () => devPorts({ KITCHEN_GRPC_PORT: "abc" }),
    /KITCHEN_GRPC_PORT must be a port from 1 to 65535, got "abc"/,
  );
  assert.throws(() => devPorts({ WEB_PORT: "0" }), /WEB_PORT/);
});

Deno.test("dev's services serve Connect on the user's *_CONNECT_PORT, else 50061-50064, and their peers call it there", () => {
  assert.deepEqual(devConnectPorts({}), { orders: 50061, stock: 50062, payments: 50063, kitchen: 50064 });
  const user = { STOCK_CONNECT_PORT: "7002", ORDERS_ADDR: "10.0.0.7:6000" };
  const connectPorts = devConnectPorts(user);
  assert.equal(connectPorts.stock, 7002);
  const env = keepUserSet(systemEnv(devPorts({}), {}, undefined, connectPorts), user);
  assert.equal(env.STOCK_CONNECT_PORT, "7002");
  assert.equal(env.STOCK_ADDR, "http://127.0.0.1:7002", "the address follows the port the user chose");
  assert.equal(env.PAYMENTS_ADDR, "http://127.0.0.1:50063");
  assert.equal(env.ORDERS_ADDR, "10.0.0.7:6000", "an address the user set is kept");
  assert.throws(
    () => devConnectPorts({ KITCHEN_CONNECT_PORT: "http" }),
    /KITCHEN_CONNECT_PORT must be a port/,
  );
});

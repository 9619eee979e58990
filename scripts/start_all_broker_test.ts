import assert from "node:assert/strict";
import { brokerUserEnv } from "./start_all_broker.ts";
import { ConfigError } from "../services/common/config.ts";

Deno.test("start:all with AMQP_URL=memory needs no broker: every service shares the in-process bus", async () => {
  const said: string[] = [];
  assert.deepEqual(await brokerUserEnv({ AMQP_URL: "memory" }, (m) => said.push(m)), {});
  assert.match(said.join("\n"), /in-process bus \(AMQP_URL=memory\): not durable/);
});

Deno.test("start:all refuses AMQP_URL=memory beside a service's own broker URL, naming it", async () => {
  await assert.rejects(
    brokerUserEnv({ AMQP_URL: "memory", ORDERS_AMQP_URL: "amqp://oms-orders:pw@127.0.0.1:5672" }, () => {}),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.variable, "ORDERS_AMQP_URL");
      assert.match(err.message, /ORDERS_AMQP_URL names a broker: unset it, or set AMQP_URL to RabbitMQ/);
      return true;
    },
  );
});

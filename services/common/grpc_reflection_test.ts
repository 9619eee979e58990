import assert from "node:assert/strict";
import { type ServiceError, status as GrpcStatus, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { StockServiceService } from "./gen/oms/stock/v1/stock.ts";
import { startGrpcServer } from "./grpc_server.ts";
import { reflectionEnabled } from "./grpc_reflection.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";
import { ReflectionClient } from "../../tests/reflection_client.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const stock = {
  definition: StockServiceService,
  name: "oms.stock.v1.StockService",
  implementation: {} as UntypedServiceImplementation,
};

Deno.test("OMS_GRPC_REFLECTION: on unless set false; a bad value names the variable", () => {
  assert.equal(reflectionEnabled({}), true);
  assert.equal(reflectionEnabled({ OMS_GRPC_REFLECTION: "false" }), false);
  assert.equal(reflectionEnabled({ OMS_GRPC_REFLECTION: "1" }), true);
  assert.throws(() => reflectionEnabled({ OMS_GRPC_REFLECTION: "maybe" }), /OMS_GRPC_REFLECTION/);
});

Deno.test(
  "reflection lists exactly the served services and health, with the contract's comments, only with the service credential",
  opts,
  async () => {
    const server = await startGrpcServer("127.0.0.1", 0, [stock], {
      serviceToken: TEST_SERVICE_TOKEN,
      reflection: true,
    });
    const addr = `127.0.0.1:${server.port}`;
    const stranger = new ReflectionClient(addr);
    const wrong = new ReflectionClient(addr, `${TEST_SERVICE_TOKEN}-not`);
    const client = new ReflectionClient(addr, TEST_SERVICE_TOKEN);
    try {
      for (const c of [stranger, wrong]) {
        await assert.rejects(
          c.listServices(),
          (err: ServiceError) =>
            err.code === GrpcStatus.UNAUTHENTICATED && /OMS_SERVICE_TOKEN/.test(err.details),
        );
      }
      // several requests on one stream, the first ones arriving while the implementation loads
      const answers = await client.ask([{ listServices: true }, { listServices: true }]);
      assert.equal(answers.length, 2);
      for (const a of answers) {
        assert.equal(a.kind, "services");
        if (a.kind !== "services") continue;
        assert.deepEqual(a.names.toSorted(), ["grpc.health.v1.Health", "oms.stock.v1.StockService"]);
      }
      const [missing] = await client.ask([{ symbol: "oms.nothing.v1.Nothing" }]);
      assert.equal(missing?.kind, "error", "an unknown symbol is answered with an error response");

      const registry = await client.registryFor("oms.stock.v1.StockService");
      const file = registry.getFile("oms/stock/v1/stock.proto");
      const comments = file?.proto.sourceCodeInfo?.location.map((l) => l.leadingComments) ?? [];
      assert.ok(
        comments.some((c) => c.includes("Reserves every line or none")),
        "the descriptors carry the comments of proto/ (grpcurl describe shows them)",
      );
      const reserve = registry.getService("oms.stock.v1.StockService")?.methods.find((m) =>
        m.name === "ReserveItems"
      );
      assert.equal(reserve?.input.typeName, "oms.stock.v1.ReserveItemsRequest");
      assert.equal(
        reserve?.input.fields.find((f) => f.name === "items")?.message?.typeName,
        "oms.types.v1.ItemQuantity",
        "types from imported files resolve (fully qualified names)",
      );
    } finally {
      for (const c of [stranger, wrong, client]) c.close();
      await server.stop(100);
    }
  },
);

Deno.test("without the option a server offers no reflection (UNIMPLEMENTED)", opts, async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [stock], { serviceToken: TEST_SERVICE_TOKEN });
  const client = new ReflectionClient(`127.0.0.1:${server.port}`, TEST_SERVICE_TOKEN);
  try {
    await assert.rejects(
      client.listServices(),
      (err: ServiceError) => err.code === GrpcStatus.UNIMPLEMENTED,
    );
  } finally {
    client.close();
    await server.stop(100);
  }
});

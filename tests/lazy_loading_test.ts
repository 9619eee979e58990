/**
 * A process loads only what it uses: the Stripe SDK only with a Stripe key, the OpenTelemetry SDK and
 * exporter only with an OTLP endpoint, the metrics SDK and its exporters only with a metrics port or an
 * OTLP endpoint, the Consul client only with a Consul address, OpenFeature's SDK (and flagd's provider)
 * only with failure flags configured (`OMS_FLAGS_FILE` or `FLAGD_HOST`). Proven on the module
 * graph Deno itself reports (`deno info --json`): the heavy packages are reachable from each process entry
 * through a dynamic `import()` (so they still load when configured) and never through a static import (so
 * they are not loaded when the setting is absent).
 */
import assert from "node:assert/strict";
import { moduleInfo, startupGraph } from "../scripts/module_graph.ts";

/** The repository root (where `deno.json` is), whatever the test runner's directory. */
const ROOT = new URL("..", import.meta.url).pathname;

/** Packages that must load only on demand, in every process. */
const ON_DEMAND = [
  "consul",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/resources",
  "@opentelemetry/context-async-hooks",
  // the metrics SDK and its exporters: only with a metrics port or an OTLP endpoint
  "@opentelemetry/sdk-metrics",
  "@opentelemetry/exporter-prometheus",
  "@opentelemetry/exporter-metrics-otlp-http",
];

/** The failure flags' SDK and flagd's provider: every service process reads flags (web only writes the file). */
const FLAG_SDKS = ["@openfeature/server-sdk", "@openfeature/flagd-provider"];
const SERVICE_ON_DEMAND = [...ON_DEMAND, ...FLAG_SDKS];

const ENTRIES: Record<string, { onDemand: string[]; atStart: string[] }> = {
  "services/orders/main.ts": { onDemand: SERVICE_ON_DEMAND, atStart: ["@grpc/grpc-js", "amqplib"] },
  "services/stock/main.ts": { onDemand: SERVICE_ON_DEMAND, atStart: ["@grpc/grpc-js", "amqplib"] },
  "services/payments/main.ts": {
    onDemand: [...SERVICE_ON_DEMAND, "stripe"],
    atStart: ["@grpc/grpc-js", "amqplib"],
  },
  "services/kitchen/main.ts": { onDemand: SERVICE_ON_DEMAND, atStart: ["@grpc/grpc-js", "amqplib"] },
  "web/main.ts": { onDemand: ON_DEMAND, atStart: ["@grpc/grpc-js", "hono"] },
  "scripts/start_all.ts": {
    onDemand: [...SERVICE_ON_DEMAND, "stripe"],
    atStart: ["@grpc/grpc-js", "amqplib", "hono"],
  },
};

for (const [entry, expected] of Object.entries(ENTRIES)) {
  Deno.test(`${entry} loads ${expected.onDemand.join(", ")} only on demand`, async () => {
    const graph = startupGraph(await moduleInfo(entry, ROOT));
    for (const pkg of expected.atStart) {
      assert.ok(graph.staticPackages.has(pkg), `${pkg} should load at start (the walk sees the graph)`);
    }
    for (const pkg of expected.onDemand) {
      assert.ok(graph.allPackages.has(pkg), `${pkg} should stay reachable through a dynamic import`);
      assert.ok(!graph.staticPackages.has(pkg), `${pkg} is imported statically from ${entry}`);
    }
  });
}

for (const entry of ["scripts/dev.ts", "scripts/healthcheck.ts"]) {
  Deno.test(`${entry} loads no npm package at start (no gRPC library just to ask for health)`, async () => {
    const graph = startupGraph(await moduleInfo(entry, ROOT));
    assert.deepEqual([...graph.staticPackages], []);
    if (entry === "scripts/dev.ts") {
      // its in-memory mode runs scripts/start_all.ts as a process of its own: dev never loads the services
      assert.deepEqual([...graph.allPackages], [], "dev.ts loads no npm package, not even on demand");
    }
  });
}

// gRPC server reflection (services/common/grpc_reflection.ts) loads on the first reflection call, not at
// start: @grpc/reflection brings protobufjs and @grpc/proto-loader (~25 MB of RSS).
const REFLECTION = ["@grpc/reflection", "@grpc/proto-loader", "protobufjs"];
for (
  const entry of [...Object.keys(ENTRIES).filter((e) => e.startsWith("services/")), "scripts/start_all.ts"]
) {
  Deno.test(`${entry} loads gRPC reflection only on the first reflection call`, async () => {
    const graph = startupGraph(await moduleInfo(entry, ROOT));
    assert.ok(
      graph.allPackages.has("@grpc/reflection"),
      "reflection stays reachable through a dynamic import",
    );
    for (const pkg of REFLECTION) {
      assert.ok(!graph.staticPackages.has(pkg), `${pkg} is imported statically from ${entry}`);
    }
  });
}

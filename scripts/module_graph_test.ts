import assert from "node:assert/strict";
import { type ModuleInfo, packageName, startupGraph } from "./module_graph.ts";

const info: ModuleInfo = {
  roots: ["file:///main.ts"],
  redirects: { "npm:stripe@23.1.0": "npm:/stripe@23.1.0", "npm:amqplib@2.3.1": "npm:/amqplib@2.3.1" },
  modules: [
    {
      specifier: "file:///main.ts",
      dependencies: [
        { code: { specifier: "file:///lib.ts" } },
        { code: { specifier: "file:///lazy.ts" }, isDynamic: true },
        {}, // a type-only import: no code dependency
      ],
    },
    { specifier: "file:///lib.ts", dependencies: [{ code: { specifier: "npm:amqplib@2.3.1" } }] },
    { specifier: "file:///lazy.ts", dependencies: [{ code: { specifier: "npm:stripe@23.1.0" } }] },
    { specifier: "npm:/amqplib@2.3.1", kind: "npm", npmPackage: "amqplib@2.3.1" },
    { specifier: "npm:/stripe@23.1.0", kind: "npm", npmPackage: "stripe@23.1.0" },
  ],
};

Deno.test("startupGraph follows static imports only, and lists what dynamic imports add separately", () => {
  const graph = startupGraph(info);
  assert.deepEqual([...graph.staticModules].sort(), [
    "file:///lib.ts",
    "file:///main.ts",
    "npm:/amqplib@2.3.1",
  ]);
  assert.deepEqual([...graph.staticPackages], ["amqplib"]);
  assert.deepEqual([...graph.allPackages].sort(), ["amqplib", "stripe"]);
});

Deno.test("packageName drops the npm: prefix, the version, a peer suffix and a subpath", () => {
  assert.equal(packageName("npm:/stripe@23.1.0"), "stripe");
  assert.equal(packageName("@opentelemetry/core@2.12.1_@opentelemetry+api@1.9.1"), "@opentelemetry/core");
  assert.equal(packageName("npm:/@bufbuild/protobuf@2.17.0/wire"), "@bufbuild/protobuf");
});

Deno.test("startupGraph refuses a graph with an unresolved import instead of reporting it incomplete", () => {
  const broken: ModuleInfo = {
    roots: ["file:///main.ts"],
    redirects: {},
    modules: [{
      specifier: "file:///main.ts",
      dependencies: [{ specifier: "hono", code: { error: 'Import "hono" not a dependency' } }],
    }],
  };
  assert.throws(() => startupGraph(broken), /file:\/\/\/main\.ts: cannot resolve "hono"/);
});

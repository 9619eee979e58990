import assert from "node:assert/strict";
import {
  aggregate,
  type CallFrame,
  type CpuProfile,
  functionKey,
  moduleKey,
  npmPackage,
  profileTotals,
  selfTimeByNode,
} from "./cpuprofile.ts";

const ROOT = "file:///repo/";
const NPM = "file:///home/u/.cache/deno/npm/registry.npmjs.org";

function frame(functionName: string, url = "", lineNumber = 0): CallFrame {
  return { functionName, url, lineNumber, columnNumber: 0, scriptId: "0" };
}

/** root -> idle(2), program(3), a(4) -> b(5), gc(6); samples with explicit deltas. */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 3, 4, 6] },
    { id: 2, callFrame: frame("(idle)") },
    { id: 3, callFrame: frame("(program)") },
    { id: 4, callFrame: frame("placeOrder", `${ROOT}services/orders/app.ts`, 9), children: [5] },
    { id: 5, callFrame: frame("write", `${NPM}/@grpc/grpc-js/1.14.7/build/src/call.js`, 41) },
    { id: 6, callFrame: frame("(garbage collector)") },
  ],
  startTime: 1000,
  endTime: 2000,
  // sample times: 1100 (idle), 1500 (a), 1600 (b), 1700 (a), 1800 (program), 1900 (gc); end 2000
  samples: [2, 4, 5, 4, 3, 6],
  timeDeltas: [100, 400, 100, 100, 100, 100],
};

Deno.test("each sample lasts until the next one, the last until the profile's end", () => {
  const self = selfTimeByNode(PROFILE);
  assert.deepEqual(Object.fromEntries(self), { 2: 400, 4: 200, 5: 100, 3: 100, 6: 100 });
  assert.deepEqual(profileTotals(PROFILE), {
    totalUs: 900,
    idleUs: 400,
    busyUs: 500,
    programUs: 100,
    gcUs: 100,
  });
});

Deno.test("without a timeline, hit counts share the profile's duration", () => {
  const p: CpuProfile = {
    nodes: [{ id: 1, callFrame: frame("a", "ext:core/x.js"), hitCount: 3 }, {
      id: 2,
      callFrame: frame("(idle)"),
      hitCount: 1,
    }],
    startTime: 0,
    endTime: 400,
  };
  assert.deepEqual(Object.fromEntries(selfTimeByNode(p)), { 1: 300, 2: 100 });
});

Deno.test("functions are keyed by name and short url:line (1-based), V8's own by name", () => {
  assert.equal(
    functionKey(frame("placeOrder", `${ROOT}services/orders/app.ts`, 9), ROOT),
    "placeOrder services/orders/app.ts:10",
  );
  assert.equal(
    functionKey(frame("", `${NPM}/amqplib/2.3.1/lib/channel.js`, 0), ROOT),
    "(anonymous) npm:amqplib/lib/channel.js:1",
  );
  assert.equal(functionKey(frame("(program)"), ROOT), "(program)");
  assert.equal(functionKey(frame("op_kv_atomic_write"), ROOT), "op_kv_atomic_write (native)");
  assert.equal(
    functionKey(frame("writeBuffer"), ROOT, frame("handleWriteReq", "ext:deno_node/internal/x.ts", 0)),
    "writeBuffer (native) < handleWriteReq ext:deno_node/internal/x.ts:1",
  );
  assert.equal(
    functionKey(frame("serialize", "ext:core/01_core.js", 1193), ROOT),
    "serialize ext:core/01_core.js:1194",
  );
});

Deno.test("modules: npm package, OMS folder, Deno KV, node compat, extensions, ops, V8's own", () => {
  const m = (name: string, url = "") => moduleKey(frame(name, url), ROOT);
  assert.equal(m("f", `${NPM}/@grpc/grpc-js/1.14.7/build/src/call.js`), "npm:@grpc/grpc-js");
  assert.equal(m("f", `${NPM}/amqplib/2.3.1/lib/channel.js`), "npm:amqplib");
  assert.equal(
    m("f", "file:///repo/node_modules/.deno/hono@4.13.19/node_modules/hono/dist/hono.js"),
    "npm:hono",
  );
  assert.equal(m("f", `${ROOT}services/common/bus/relay.ts`), "oms:services/common/bus");
  assert.equal(m("f", `${ROOT}main.ts`), "oms:.");
  assert.equal(m("get", "ext:deno_kv/01_db.ts"), "Deno KV (ext:deno_kv, op_kv_*)");
  assert.equal(m("op_kv_snapshot_read"), "Deno KV (ext:deno_kv, op_kv_*)");
  assert.equal(m("f", "ext:deno_node/internal/streams/writable.mjs"), "node: compat (ext:deno_node)");
  assert.equal(m("f", "node:http2"), "node: compat (ext:deno_node)");
  assert.equal(m("f", "ext:deno_web/06_streams.js"), "ext:deno_web");
  assert.equal(m("op_read_all"), "Deno ops (native)");
  const caller = frame("write", `${NPM}/amqplib/2.3.1/lib/mux.js`);
  assert.equal(
    moduleKey(frame("writeBuffer"), ROOT, caller),
    "npm:amqplib",
    "native code counts for its caller",
  );
  assert.equal(moduleKey(frame("op_kv_atomic_write"), ROOT, caller), "Deno KV (ext:deno_kv, op_kv_*)");
  assert.equal(m("stringify"), "(native)");
  assert.equal(m("(garbage collector)"), "(garbage collector)");
  assert.equal(m("f", "https://example.com/x.js"), "https://example.com");
});

Deno.test("npmPackage reads the package from Deno's npm cache and from node_modules", () => {
  assert.deepEqual(npmPackage(`${NPM}/@grpc/grpc-js/1.14.7/build/src/call.js`), {
    pkg: "@grpc/grpc-js",
    file: "build/src/call.js",
  });
  assert.deepEqual(npmPackage("file:///r/node_modules/amqplib/lib/x.js"), {
    pkg: "amqplib",
    file: "lib/x.js",
  });
  assert.equal(npmPackage("file:///r/services/x.ts"), undefined);
});

Deno.test("aggregation sums self time per key, largest first, with shares of all and of busy samples", () => {
  const rows = aggregate(PROFILE, (f) => moduleKey(f, ROOT));
  assert.deepEqual(rows.map((r) => [r.key, r.selfUs]), [
    ["(idle)", 400],
    ["oms:services/orders", 200],
    ["(garbage collector)", 100],
    ["(program)", 100],
    ["npm:@grpc/grpc-js", 100],
  ]);
  assert.equal(rows[0]!.busyShare, 0);
  assert.equal(rows[1]!.share, 200 / 900);
  assert.equal(rows[1]!.busyShare, 200 / 500);
  assert.deepEqual(aggregate(PROFILE, (f) => f.functionName, 2).map((r) => r.key), ["(idle)", "placeOrder"]);
});

Deno.test("native code is keyed with its nearest caller that has a script", () => {
  const p: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2] },
      { id: 2, callFrame: frame("send", `${ROOT}services/common/bus/relay.ts`, 4), children: [3] },
      { id: 3, callFrame: frame("async_op_4", "ext:core/00_infra.js", 298), children: [4] },
      { id: 4, callFrame: frame("writeBuffer") },
    ],
    startTime: 0,
    endTime: 200,
    samples: [4, 2],
    timeDeltas: [0, 100],
  };
  const rows = aggregate(p, (f, caller) => moduleKey(f, ROOT, caller));
  assert.deepEqual(rows.map((r) => [r.key, r.selfUs]), [["oms:services/common/bus", 200]]);
  const fns = aggregate(p, (f, caller) => functionKey(f, ROOT, caller));
  assert.equal(fns[0]!.key, "send services/common/bus/relay.ts:5");
  assert.equal(fns[1]!.key, "writeBuffer (native) < send services/common/bus/relay.ts:5");
});

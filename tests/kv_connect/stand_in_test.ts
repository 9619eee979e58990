/**
 * The KV Connect stand-in through Deno's own KV client (`Deno.openKv(url)`): the metadata exchange,
 * reads, atomic writes with checks, sum/min/max, ordering and ranges, watch, and what it refuses.
 */
import assert from "node:assert/strict";
import { encodeAtomicWrite } from "./datapath.ts";
import { type KvConnectStandIn, startKvConnectStandIn } from "./stand_in.ts";

/** Runs `fn` with a stand-in whose token is in `DENO_KV_ACCESS_TOKEN` (Deno's client reads it there). */
async function withStandIn(
  fn: (server: KvConnectStandIn, open: () => Promise<Deno.Kv>) => Promise<void>,
  opts: { keepAliveMs?: number } = {},
): Promise<void> {
  const token = `stand-in-${crypto.randomUUID()}`;
  const server = await startKvConnectStandIn({ accessToken: token, ...opts });
  const before = Deno.env.get("DENO_KV_ACCESS_TOKEN");
  Deno.env.set("DENO_KV_ACCESS_TOKEN", token);
  const opened: Deno.Kv[] = [];
  try {
    await fn(server, async () => {
      const kv = await Deno.openKv(server.url);
      opened.push(kv);
      return kv;
    });
  } finally {
    for (const kv of opened) kv.close();
    if (before === undefined) Deno.env.delete("DENO_KV_ACCESS_TOKEN");
    else Deno.env.set("DENO_KV_ACCESS_TOKEN", before);
    await server.close();
  }
}

Deno.test("metadata exchange: bearer token checked, versions negotiated, a data path token of its own", async () => {
  await withStandIn(async (server) => {
    const exchange = (auth: string | undefined, body?: unknown) =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const token = Deno.env.get("DENO_KV_ACCESS_TOKEN")!;
    const wrong = await exchange("Bearer not-the-token", { supportedVersions: [2, 3] });
    assert.equal(wrong.status, 401);
    assert.equal(await wrong.text(), "Invalid access token.");
    const none = await exchange(undefined, { supportedVersions: [2, 3] });
    assert.equal(none.status, 401, await none.text());
    const v1 = await exchange(`Bearer ${token}`, { supportedVersions: [1] });
    assert.equal(v1.status, 400);
    assert.match(await v1.text(), /No common protocol version/);
    const noBody = await exchange(`Bearer ${token}`);
    assert.equal(noBody.status, 400, "no body means version 1 only");
    await noBody.body?.cancel();

    const ok = await exchange(`Bearer ${token}`, { supportedVersions: [1, 2, 3] });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type") ?? "", /^application\/json/);
    const meta = await ok.json();
    assert.equal(meta.version, 3);
    assert.equal(meta.databaseId, server.databaseId);
    assert.match(meta.databaseId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(meta.endpoints, [{ url: "/v2", consistency: "strong" }]);
    assert.notEqual(meta.token, token, "the data path has its own token");
    assert.ok(Date.parse(meta.expiresAt) > Date.now(), "expires in the future");
    assert.equal(
      (await exchange(`Bearer ${token}`, { supportedVersions: [2] }).then((r) => r.json())).version,
      2,
    );

    const dataPath = (auth: string, version = "3") =>
      fetch(`${server.url}/v2/snapshot_read`, {
        method: "POST",
        headers: {
          authorization: auth,
          "content-type": "application/x-protobuf",
          "x-denokv-version": version,
          "x-denokv-database-id": server.databaseId,
        },
        body: new Uint8Array(0),
      });
    const withAccessToken = await dataPath(`Bearer ${token}`);
    assert.equal(withAccessToken.status, 401, "the access token is not a data path token");
    await withAccessToken.body?.cancel();
    const badVersion = await dataPath(`Bearer ${meta.token}`, "1");
    assert.equal(badVersion.status, 400);
    await badVersion.body?.cancel();
    const empty = await dataPath(`Bearer ${meta.token}`);
    assert.equal(empty.status, 200, "an empty SnapshotRead reads nothing");
    assert.equal(empty.headers.get("content-type"), "application/x-protobuf");
    await empty.body?.cancel();
  });
});

Deno.test("Deno's client: the exchange offers versions 1-3; a wrong token is a clear error, not a retry loop", async () => {
  await withStandIn(async (server, open) => {
    const kv = await open();
    await kv.set(["hello"], "world");
    assert.deepEqual(server.versionsOffered[0], [1, 2, 3]);
    Deno.env.set("DENO_KV_ACCESS_TOKEN", "wrong");
    await assert.rejects(
      Deno.openKv(server.url),
      /metadata endpoint at '.*' responded with status 401 Unauthorized: Invalid access token/,
      "the exchange happens at open: a wrong token fails at once",
    );
  });
});

Deno.test("values of every encoding read back as written, with their versionstamps", async () => {
  await withStandIn(async (_server, open) => {
    const kv = await open();
    const values: [Deno.KvKey, unknown][] = [
      [["v", "object"], { a: 1, nested: { list: [1, "two", null] }, at: new Date(0) }],
      [["v", "string"], "text"],
      [["v", "bytes"], new Uint8Array([0, 1, 2, 255])],
      [["v", "u64"], new Deno.KvU64(42n)],
      [["v", "bigint"], 12345678901234567890n],
      [["v", "map"], new Map([["k", 1]])],
    ];
    for (const [key, value] of values) {
      const res = await kv.set(key, value);
      assert.ok(res.ok);
      const got = await kv.get(key);
      assert.deepEqual(got.value, value, String(key[1]));
      assert.equal(got.versionstamp, res.versionstamp);
    }
    assert.deepEqual(await kv.get(["v", "missing"]), {
      key: ["v", "missing"],
      value: null,
      versionstamp: null,
    });
    const many = await kv.getMany([["v", "string"], ["v", "missing"], ["v", "u64"]]);
    assert.deepEqual(many.map((e) => e.value), ["text", null, new Deno.KvU64(42n)]);
    await kv.delete(["v", "string"]);
    assert.equal((await kv.get(["v", "string"])).versionstamp, null);
  });
});

Deno.test("atomic checks conflict across clients: 2 clients x 25 compare-and-set increments make exactly 50", async () => {
  await withStandIn(async (_server, open) => {
    const [a, b] = [await open(), await open()];
    const key = ["counter"];
    const created = await a.atomic().check({ key, versionstamp: null }).set(key, 0).commit();
    assert.ok(created.ok);
    const again = await b.atomic().check({ key, versionstamp: null }).set(key, 100).commit();
    assert.equal(again.ok, false, "a 'must not exist' check fails once it exists");

    let conflicts = 0;
    const increment = async (kv: Deno.Kv) => {
      for (;;) {
        const cur = await kv.get<number>(key);
        const res = await kv.atomic().check(cur).set(key, cur.value! + 1).commit();
        if (res.ok) return;
        conflicts++;
      }
    };
    await Promise.all([a, b].flatMap((kv) => Array.from({ length: 25 }, () => increment(kv))));
    assert.equal((await a.get(key)).value, 50, "no lost update");
    assert.ok(conflicts > 0, "concurrent writers did conflict (the checks were applied)");

    const stale = await a.get(key);
    await b.set(key, -1);
    assert.equal((await a.atomic().check(stale).set(key, 999).commit()).ok, false);
    assert.equal((await a.atomic().check(stale).set(["other"], 1).commit()).ok, false, "nothing applied");
    assert.equal((await a.get(["other"])).versionstamp, null);
  });
});

Deno.test("sum, min and max on KvU64 values apply on the server, without reads", async () => {
  await withStandIn(async (_server, open) => {
    const [a, b] = [await open(), await open()];
    await Promise.all([
      ...Array.from({ length: 10 }, () => a.atomic().sum(["sum"], 3n).commit()),
      ...Array.from({ length: 10 }, () => b.atomic().sum(["sum"], 2n).commit()),
    ]);
    assert.equal((await a.get<Deno.KvU64>(["sum"])).value?.value, 50n);
    await a.atomic().min(["min"], 10n).commit();
    await b.atomic().min(["min"], 4n).min(["min"], 7n).commit();
    await a.atomic().max(["max"], 10n).commit();
    await b.atomic().max(["max"], 4n).commit();
    assert.equal((await a.get<Deno.KvU64>(["min"])).value?.value, 4n);
    assert.equal((await a.get<Deno.KvU64>(["max"])).value?.value, 10n);
    await a.set(["text"], "not a number");
    await assert.rejects(
      a.atomic().sum(["text"], 1n).commit(),
      /non-U64|U64/i,
      "a clear refusal, no retry loop",
    );
  });
});

Deno.test("keys order, prefixes, ranges, limits, reverse and cursors as in a local store", async () => {
  await withStandIn(async (_server, open) => {
    const remote = await open();
    using local = await Deno.openKv(":memory:");
    const keys: Deno.KvKey[] = [
      ["k", -5],
      ["k", 0],
      ["k", 1.5],
      ["k", 2],
      ["k", -10n],
      ["k", 3n],
      ["k", ""],
      ["k", "a"],
      ["k", "a\u0000b"],
      ["k", "ab"],
      ["k", "b"],
      ["k", new Uint8Array([])],
      ["k", new Uint8Array([0])],
      ["k", new Uint8Array([0, 0])],
      ["k", new Uint8Array([1])],
      ["k", false],
      ["k", true],
      ["k", "a", 1],
      ["k", "a", "x"],
      ["kk"],
      ["j"],
    ];
    for (const [i, key] of keys.entries()) {
      await remote.set(key, i);
      await local.set(key, i);
    }
    const same = async (sel: Deno.KvListSelector, opts: Deno.KvListOptions = {}) => {
      const r = (await Array.fromAsync(remote.list(sel, opts))).map((e) => [e.key, e.value]);
      const l = (await Array.fromAsync(local.list(sel, opts))).map((e) => [e.key, e.value]);
      assert.deepEqual(r, l, JSON.stringify({ sel, opts }, (_, v) => typeof v === "bigint" ? `${v}n` : v));
      return r.length;
    };
    assert.equal(await same({ prefix: ["k"] }), 19);
    await same({ prefix: ["k"] }, { reverse: true });
    await same({ prefix: ["k"] }, { limit: 4 });
    await same({ prefix: ["k"] }, { limit: 4, reverse: true });
    await same({ prefix: ["k"] }, { batchSize: 3 }); // pages with cursors
    await same({ prefix: ["k", "a"] });
    await same({ start: ["k", "a"], end: ["k", 2] }); // bytes < strings < numbers < bigints < booleans
    await same({ prefix: ["k"], start: ["k", "a"] });
    await same({ prefix: ["k"], end: ["k", new Uint8Array([0, 0])] });
    await same({ start: ["j"], end: ["kk"] });
    await same({ prefix: [] });

    const page = remote.list({ prefix: ["k"] }, { limit: 5 });
    for await (const _ of page) { /* read the first page */ }
    const rest = await Array.fromAsync(remote.list({ prefix: ["k"] }, { cursor: page.cursor }));
    const all = await Array.fromAsync(local.list({ prefix: ["k"] }));
    assert.deepEqual(
      rest.map((e) => e.key),
      all.slice(5).map((e) => e.key),
      "a cursor resumes where a page ended",
    );
  });
});

Deno.test("watch: the current values first, then each change made by another client, deletes included", async () => {
  await withStandIn(async (server, open) => {
    const [watcher, writer] = [await open(), await open()];
    await writer.set(["w", "a"], 1);
    const reader = watcher.watch([["w", "a"], ["w", "b"]]).getReader();
    const next = async () => {
      const r = await reader.read();
      assert.ok(!r.done);
      return r.value.map((e) => e.value);
    };
    assert.deepEqual(await next(), [1, null]);
    await writer.set(["w", "b"], "bee");
    assert.deepEqual(await next(), [1, "bee"]);
    await new Promise((r) => setTimeout(r, 120)); // a few keep-alive frames pass by
    await writer.set(["w", "a"], 2);
    assert.deepEqual(await next(), [2, "bee"]);
    await writer.delete(["w", "a"]);
    assert.deepEqual(await next(), [null, "bee"]);
    await reader.cancel();
    assert.ok(server.requests.watch >= 1);
  }, { keepAliveMs: 30 });
});

Deno.test("queues are refused: by Deno's client, and by the stand-in (400, a message) for other clients", async () => {
  await withStandIn(async (server, open) => {
    const kv = await open();
    await assert.rejects(kv.enqueue({ job: 1 }), /not supported in KV Connect/);
    const token = Deno.env.get("DENO_KV_ACCESS_TOKEN")!;
    const meta = await fetch(server.url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ supportedVersions: [2, 3] }),
    }).then((r) => r.json());
    const write = encodeAtomicWrite({
      checks: [],
      mutations: [],
      enqueues: [{
        payload: new Uint8Array([1]),
        deadlineMs: Date.now(),
        keysIfUndelivered: [],
        backoffSchedule: [],
      }],
    });
    const res = await fetch(`${server.url}/v2/atomic_write`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${meta.token}`,
        "content-type": "application/x-protobuf",
        "x-denokv-version": "3",
        "x-denokv-database-id": meta.databaseId,
      },
      body: write as Uint8Array<ArrayBuffer>,
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /offers no queues/);
    assert.ok(server.requests.refused >= 1);
    assert.equal((await kv.set(["still"], "works")).ok, true);
  });
});

import assert from "node:assert/strict";
import {
  isLocalStore,
  isRemoteStore,
  KvAccessTokenMissingError,
  openStore,
  StoreInUseError,
  storePath,
} from "./kv.ts";
import { ConfigError } from "./config.ts";
import { startKvConnectStandIn } from "../../tests/kv_connect/stand_in.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kv-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a local store is held by one opener at a time; closing it lets the next one in", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/nested/stock.kv`;
    const first = await openStore(path);
    await first.set(["k"], 1);
    const err = await openStore(path).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof StoreInUseError, `expected StoreInUseError, got ${err}`);
    assert.equal(err.pid, Deno.pid);
    assert.equal(
      err.message,
      `Another process already uses the store ${path} (pid ${Deno.pid}). Run one process per KV file, ` +
        "or give replicas a KV Connect URL (STOCK_KV_PATH=https://<kv server>)",
    );
    assert.equal((await first.get(["k"])).value, 1, "the holder keeps working");
    first.close();
    using second = await openStore(path);
    assert.equal((await second.get(["k"])).value, 1);
  });
});

Deno.test("another process cannot open a store this one holds, and can once it is closed", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/orders.kv`;
    const kvModule = new URL("./kv.ts", import.meta.url).href;
    const tryOpen = async () => {
      const code = `import { openStore } from ${JSON.stringify(kvModule)};
        try { (await openStore(${JSON.stringify(path)})).close(); console.log("opened"); }
        catch (e) { console.log(e.message); }`;
      const out = await new Deno.Command(Deno.execPath(), { args: ["eval", "--unstable-kv", code] }).output();
      return new TextDecoder().decode(out.stdout).trim();
    };
    const held = await openStore(path);
    assert.equal(
      await tryOpen(),
      `Another process already uses the store ${path} (pid ${Deno.pid}). Run one process per KV file, ` +
        "or give replicas a KV Connect URL (ORDERS_KV_PATH=https://<kv server>)",
    );
    held.close();
    assert.equal(await tryOpen(), "opened");
  });
});

Deno.test("only local files are locked: :memory: and KV Connect URLs are not", () => {
  assert.equal(isLocalStore("data/stock.kv"), true);
  assert.equal(isLocalStore(":memory:"), false);
  assert.equal(isLocalStore("https://kv.internal:4512"), false);
  assert.equal(isLocalStore("http://127.0.0.1:4512"), false);
});

Deno.test("a KV Connect URL without DENO_KV_ACCESS_TOKEN is a configuration error naming the variable, never a token", async () => {
  const url = "http://denokv-stock:4512";
  const err = (() => {
    try {
      storePath("stock", "data", { STOCK_KV_PATH: url });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof KvAccessTokenMissingError && err instanceof ConfigError, `got ${err}`);
  assert.equal(err.variable, "DENO_KV_ACCESS_TOKEN");
  assert.equal(
    err.message,
    "STOCK_KV_PATH is the KV Connect server http://denokv-stock:4512, and DENO_KV_ACCESS_TOKEN is not set: " +
      "give every process of this service the server's access token in DENO_KV_ACCESS_TOKEN",
  );
  assert.equal(storePath("stock", "data", { STOCK_KV_PATH: url, DENO_KV_ACCESS_TOKEN: "t-1" }), url);
  assert.equal(storePath("stock", "data", {}), "data/stock.kv", "a file needs no token");
  await assert.rejects(openStore(url, {}), KvAccessTokenMissingError);
});

Deno.test("a KV Connect URL is opened through Deno's client, unlocked: two openers share one store", async () => {
  const token = `kv-test-${crypto.randomUUID()}`;
  const server = await startKvConnectStandIn({ accessToken: token });
  const before = Deno.env.get("DENO_KV_ACCESS_TOKEN");
  Deno.env.set("DENO_KV_ACCESS_TOKEN", token); // Deno's KV client reads it from the process
  try {
    assert.equal(isRemoteStore(server.url), true);
    const env = { DENO_KV_ACCESS_TOKEN: token };
    using a = await openStore(server.url, env);
    using b = await openStore(server.url, env);
    await a.set(["k"], "from a");
    assert.equal((await b.get(["k"])).value, "from a", "both openers see one store");
    const stored = await Array.fromAsync(server.local.list({ prefix: [] }));
    assert.deepEqual(
      stored.map((e) => e.key),
      [[new Uint8Array([0x02, 0x6b, 0x00])]],
      "the key, encoded by Deno",
    );
    assert.ok(server.requests.atomicWrite >= 1 && server.requests.snapshotRead >= 1, "through the protocol");
  } finally {
    if (before === undefined) Deno.env.delete("DENO_KV_ACCESS_TOKEN");
    else Deno.env.set("DENO_KV_ACCESS_TOKEN", before);
    await server.close();
  }
});

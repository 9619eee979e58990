import assert from "node:assert/strict";
import { isLocalStore, openStore, StoreInUseError } from "./kv.ts";

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

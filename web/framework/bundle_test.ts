import assert from "node:assert/strict";
import { buildClient, buildKey } from "./bundle.ts";

const WEB = new URL("../", import.meta.url);
const ROOT = new URL("../", WEB);

Deno.test("the client bundle is content-hashed: a hashed entry, one hashed chunk per island, all small", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "bundle-test-" });
  try {
    const opts = { root: ROOT, entry: new URL("client.gen.ts", WEB), sources: [WEB], cacheDir };
    const built = await buildClient(opts);
    assert.match(built.entry, /^client-[0-9a-f]{12}\.js$/);
    const names = [...built.files.keys()];
    for (const island of ["AddToCart", "Cart", "OrderLive", "PayActions"]) {
      assert.ok(
        names.some((n) => new RegExp(`^${island}-[A-Z0-9]{8}\\.js$`).test(n)),
        `${island} chunk in ${names}`,
      );
    }
    for (const n of names) assert.match(n, /^(client-[0-9a-f]{12}|[A-Za-z]+-[A-Z0-9]{8})\.js$/);
    const entry = new TextDecoder().decode(built.files.get(built.entry));
    // The entry imports chunks by their hashed names and ships no server code.
    assert.match(entry, /import\(".\/AddToCart-[A-Z0-9]{8}\.js"\)/);
    const all = [...built.files.values()].map((b) => new TextDecoder().decode(b)).join("\n");
    assert.doesNotMatch(all, /grpc|renderToString|amqplib/);
    // A customer's pages load the entry, their islands and the shared chunks; the admin islands load
    // only on staff pages (each island is its own chunk, fetched where it is used), so each side has
    // its own budget.
    const sizeOf = (names: string[]) => names.reduce((n, name) => n + built.files.get(name)!.byteLength, 0);
    const admin = sizeOf(names.filter((n) => n.startsWith("Admin")));
    const storefront = sizeOf(names.filter((n) => !n.startsWith("Admin")));
    // The storefront: 40 KB before island props moved to devalue (its parser adds 4.2 KB, 1.8 KB
    // gzipped), the menu search island (~2 KB), the checkout island (~9 KB: the form checks details
    // with services/common/order_details.ts before the round trip) and the live menu in "Add to cart"
    // (~1.7 KB: one shared EventSource, the card patched in place).
    assert.ok(storefront < 50_000, `the storefront's client JS is ${storefront} bytes`);
    // The admin: the dashboard's live orders and figures, the kitchen display (stations, undo and
    // recall, new-ticket announcements, full screen) and the busy state on form submits.
    assert.ok(admin < 24_000, `the admin islands are ${admin} bytes`);

    // A second build of the same sources is the cached one.
    const again = await buildClient(opts);
    assert.equal(again.dir, built.dir);
    assert.equal(again.entry, built.entry);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("the build key changes when a source changes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bundle-key-" });
  try {
    const src = new URL(`file://${dir}/`);
    await Deno.writeTextFile(new URL("a.ts", src), "export const a = 1;\n");
    const opts = { root: ROOT, entry: new URL("a.ts", src), sources: [src] };
    const first = await buildKey(opts);
    assert.equal(await buildKey(opts), first);
    await Deno.writeTextFile(new URL("a.ts", src), "export const a = 2;\n");
    assert.notEqual(await buildKey(opts), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

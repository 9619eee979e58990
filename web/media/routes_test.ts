import assert from "node:assert/strict";
import { imageSize } from "image-size";
import { makePhoto } from "./media_testing.ts";
import { mediaRoutes, PHOTO_CACHE_CONTROL } from "./routes.ts";
import { PhotoStore } from "./store.ts";
import { createApp } from "../server.ts";
import { depsWithoutServices } from "../testing.ts";

async function withApp(fn: (app: ReturnType<typeof mediaRoutes>, store: PhotoStore) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "oms-media-" });
  const store = new PhotoStore(dir);
  try {
    await fn(mediaRoutes(store), store);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an uploaded photo is served resized, immutable, with its type and an ETag; If-None-Match answers 304", async () => {
  await withApp(async (app, store) => {
    const path = await store.putItemPhoto("3", await makePhoto("image/jpeg", 1280, 960), "image/jpeg");
    const res = await app.request(`${path}?w=640`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/jpeg");
    assert.equal(res.headers.get("cache-control"), PHOTO_CACHE_CONTROL);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const etag = res.headers.get("etag");
    assert.match(etag ?? "", /^"[0-9a-f]{32}-640"$/);
    assert.deepEqual(imageSize(new Uint8Array(await res.arrayBuffer())), {
      width: 640,
      height: 480,
      type: "jpg",
    });

    const again = await app.request(`${path}?w=640`, { headers: { "if-none-match": etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(again.headers.get("cache-control"), PHOTO_CACHE_CONTROL);

    const other = await app.request(`${path}?w=320`, { headers: { "if-none-match": etag! } });
    assert.equal(other.status, 200, "another width has another ETag");
    assert.deepEqual(imageSize(new Uint8Array(await other.arrayBuffer())).width, 320);
    const largest = await app.request(path);
    assert.equal(
      imageSize(new Uint8Array(await largest.arrayBuffer())).width,
      960,
      "no w: the largest width",
    );
  });
});

Deno.test("a width outside the set is 400; unknown, bad and traversing ids or hashes are 404", async () => {
  await withApp(async (app, store) => {
    const path = await store.putItemPhoto("3", await makePhoto("image/png", 400, 300), "image/png");
    const hash = path.split("/").pop()!;
    for (const w of ["500", "abc", "", "320.5"]) {
      const res = await app.request(`${path}?w=${w}`);
      assert.equal(res.status, 400, w);
      assert.match(await res.text(), /w must be one of 320, 640, 960/);
    }
    const notFound = [
      `/media/items/4/${hash}`, // another item
      `/media/items/3/${"0".repeat(64)}`,
      `/media/items/3/${hash.slice(1)}`,
      `/media/items/..%2F..%2F..%2Fetc/passwd`,
      `/media/items/3/..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      `/media/items/3/%2E%2E`,
      `/media/items/%2E%2E/${hash}`,
      `/media/items/3/${hash}%2F..%2F..%2Fitems`,
    ];
    for (const url of notFound) {
      const res = await app.request(url);
      assert.equal(res.status, 404, url);
      assert.doesNotMatch(await res.text(), /root:/, url);
    }
  });
});

Deno.test("through the whole gateway: photos are not gzipped, keep their ETag and answer 304", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "oms-media-" });
  const media = new PhotoStore(dir);
  const { deps, close } = depsWithoutServices();
  try {
    const app = createApp(deps, { media });
    const path = await media.putItemPhoto("5", await makePhoto("image/png", 700, 350), "image/png");
    const res = await app.request(`${path}?w=320`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("content-encoding"), null);
    assert.equal(res.headers.get("cache-control"), PHOTO_CACHE_CONTROL);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const etag = res.headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]{32}-320"$/);
    assert.equal(imageSize(new Uint8Array(await res.arrayBuffer())).width, 320);
    const again = await app.request(`${path}?w=320`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal((await app.request("/media/items/5/nothing")).status, 404);
  } finally {
    close();
    media.close();
    await Deno.remove(dir, { recursive: true });
  }
});

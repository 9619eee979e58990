import assert from "node:assert/strict";
import { imageSize } from "image-size";
import { makePhoto } from "./media_testing.ts";
import { MAX_PHOTO_BYTES, mediaDirFromEnv, PhotoError, PhotoStore } from "./store.ts";

async function withStore(fn: (store: PhotoStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "oms-media-" });
  const store = new PhotoStore(dir);
  try {
    await fn(store, dir);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function refused(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof PhotoError, `a PhotoError, got ${err}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test("a JPEG is stored as a file named by its SHA-256, outside KV, and its path names item and hash", async () => {
  await withStore(async (store, dir) => {
    const photo = await makePhoto("image/jpeg", 1200, 900);
    const path = await store.putItemPhoto("7", photo, "image/jpeg");
    const m = /^\/media\/items\/7\/([0-9a-f]{64})$/.exec(path);
    assert.ok(m, path);
    const hash = m[1]!;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", photo as Uint8Array<ArrayBuffer>));
    assert.equal(hash, [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
    assert.deepEqual(await Deno.readFile(`${dir}/originals/${hash}`), photo);
    const info = await store.info("7", hash);
    assert.deepEqual({ ...info, storedAt: "" }, {
      type: "image/jpeg",
      width: 1200,
      height: 900,
      size: photo.byteLength,
      storedAt: "",
    });
    assert.equal(await store.putItemPhoto("7", photo, "image/jpeg"), path, "the same bytes, the same path");
    assert.equal(await store.info("8", hash), null, "item 8 has no photo");
  });
});

Deno.test("a width is made once, kept on disk and served from there; a narrower photo is never scaled up", async () => {
  await withStore(async (store, dir) => {
    const path = await store.putItemPhoto("1", await makePhoto("image/jpeg", 1200, 900), "image/jpeg");
    const hash = path.split("/").pop()!;
    const [a, b] = await Promise.all([store.variant("1", hash, 320), store.variant("1", hash, 320)]);
    assert.ok(a && b);
    assert.equal(a.type, "image/jpeg");
    assert.deepEqual(imageSize(a.bytes), { width: 320, height: 240, type: "jpg" });
    assert.deepEqual(a.bytes, b.bytes);
    const cached = `${dir}/resized/${hash}/320.jpg`;
    assert.deepEqual(await Deno.readFile(cached), a.bytes);
    // served from the file: change it and the store answers the change
    await Deno.writeFile(cached, new Uint8Array([0xff, 0xd8, 0xff, 1]));
    assert.deepEqual((await store.variant("1", hash, 320))!.bytes, new Uint8Array([0xff, 0xd8, 0xff, 1]));
    assert.equal(a.etag, `"${hash.slice(0, 32)}-320"`);
    assert.notEqual((await store.variant("1", hash, 640))!.etag, a.etag);

    const small = await makePhoto("image/png", 300, 200);
    const smallHash = (await store.putItemPhoto("1", small, "image/png")).split("/").pop()!;
    const served = await store.variant("1", smallHash, 960);
    assert.deepEqual(served?.bytes, small, "the original as it is");
    await assert.rejects(store.variant("1", hash, 500), RangeError);
  });
});

Deno.test("PNG and WebP stay PNG and WebP when resized", async () => {
  await withStore(async (store) => {
    for (const [type, short] of [["image/png", "png"], ["image/webp", "webp"]] as const) {
      const hash = (await store.putItemPhoto("2", await makePhoto(type, 1000, 500), type)).split("/").pop()!;
      const v = await store.variant("2", hash, 640);
      assert.equal(v?.type, type);
      assert.deepEqual(imageSize(v!.bytes), { width: 640, height: 320, type: short });
    }
  });
});

Deno.test("refused: other types (by content, whatever was declared), a contradicting type, too large, undecodable, bad item ids", async () => {
  await withStore(async (store, dir) => {
    const png = await makePhoto("image/png", 40, 30);
    const gif = new TextEncoder().encode("GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    await refused(
      store.putItemPhoto("1", gif, "image/gif"),
      "unsupported_type",
      /sent as image\/gif.*JPEG, PNG, WEBP/,
    );
    await refused(
      store.putItemPhoto("1", new TextEncoder().encode("<svg onload=alert(1)/>"), "image/png"),
      "unsupported_type",
      /not a JPEG, PNG or WebP/,
    );
    await refused(
      store.putItemPhoto("1", png, "text/html"),
      "unsupported_type",
      /sent as text\/html but its content is image\/png/,
    );
    await refused(store.putItemPhoto("1", png, "image/jpeg"), "unsupported_type", /content is image\/png/);
    const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
    big.set(png);
    await refused(store.putItemPhoto("1", big, "image/png"), "too_large", /limit is 5242880 bytes/);
    const broken = png.slice(0, 60);
    await refused(store.putItemPhoto("1", broken, "image/png"), "unreadable", /cannot be (read|decoded)/);
    for (const id of ["../1", "a/b", "", ".", "x".repeat(65)]) {
      await refused(store.putItemPhoto(id, png, "image/png"), "invalid_item_id", /is not valid/);
    }
    assert.ok(await store.putItemPhoto("1", png, null), "no declared type: the bytes decide");
    assert.ok(await store.putItemPhoto("1", png, "application/octet-stream"));
    const stored = await Array.fromAsync(Deno.readDir(`${dir}/originals`));
    assert.equal(stored.length, 1, "only the accepted photo was written");
  });
});

Deno.test("ids and hashes that could name another file are nothing: no read outside the folder", async () => {
  await withStore(async (store) => {
    const hash = (await store.putItemPhoto("1", await makePhoto("image/png", 40, 30), null)).split("/")
      .pop()!;
    for (
      const [id, h] of [["..", hash], ["1", `../${hash}`], ["1", "../../../../etc/passwd"], [
        "1",
        hash.toUpperCase(),
      ], ["1/../1", hash]]
    ) {
      assert.equal(await store.info(id!, h!), null, `${id} ${h}`);
      assert.equal(await store.variant(id!, h!, 320), null, `${id} ${h}`);
    }
  });
});

Deno.test("the folder is WEB_MEDIA_DIR, else media under DATA_DIR, else ./data/media", () => {
  assert.equal(mediaDirFromEnv({ WEB_MEDIA_DIR: "/srv/photos", DATA_DIR: "/x" }), "/srv/photos");
  assert.equal(mediaDirFromEnv({ DATA_DIR: "/var/oms" }), "/var/oms/media");
  assert.equal(mediaDirFromEnv({}), "./data/media");
});

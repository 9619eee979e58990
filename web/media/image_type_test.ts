import assert from "node:assert/strict";
import { extensionOf, normalizeType, sniffPhotoType } from "./image_type.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("JPEG, PNG and WebP are recognised by their first bytes", () => {
  assert.equal(sniffPhotoType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)), "image/jpeg");
  assert.equal(sniffPhotoType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)), "image/png");
  assert.equal(sniffPhotoType(text("RIFF\x10\x00\x00\x00WEBPVP8 ")), "image/webp");
});

Deno.test("anything else is none of them: GIF, SVG, HTML, a WAV in RIFF, too few bytes", () => {
  for (
    const other of [
      text("GIF89a...."),
      text("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      text("<!DOCTYPE html><script>alert(1)</script>"),
      text("RIFF\x10\x00\x00\x00WAVEfmt "),
      bytes(0xff, 0xd8),
      bytes(),
    ]
  ) {
    assert.equal(sniffPhotoType(other), null, new TextDecoder().decode(other));
  }
});

Deno.test("declared types are compared without parameters or case; image/jpg counts as JPEG", () => {
  assert.equal(normalizeType("Image/PNG; charset=binary"), "image/png");
  assert.equal(normalizeType("image/jpg"), "image/jpeg");
  assert.equal(normalizeType(""), null);
  assert.equal(normalizeType(null), null);
  assert.deepEqual(["image/jpeg", "image/png", "image/webp"].map((t) => extensionOf(t as never)), [
    "jpg",
    "png",
    "webp",
  ]);
});

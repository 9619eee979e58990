/**
 * Test support for the photo store (test code only): photos of a given type and size, made with the
 * same codecs the store uses.
 *
 * @module
 */
import { createJimp } from "@jimp/core";
import jpeg from "@jimp/js-jpeg";
import png from "@jimp/js-png";
import webp from "@jimp/wasm-webp";
import type { PhotoType } from "./image_type.ts";

const Jimp = createJimp({ formats: [jpeg, png, webp] });

/** A `width` x `height` photo of `type`: an orange field with a darker band (so it is no single color). */
export async function makePhoto(type: PhotoType, width: number, height: number): Promise<Uint8Array> {
  const image = new Jimp({ width, height, color: 0xff8800ff });
  for (let y = 0; y < Math.floor(height / 3); y++) {
    for (let x = 0; x < width; x++) image.setPixelColor(0x884400ff, x, y);
  }
  const out = type === "image/jpeg"
    ? await image.getBuffer("image/jpeg")
    : type === "image/png"
    ? await image.getBuffer("image/png")
    : await image.getBuffer("image/webp");
  return new Uint8Array(out);
}

/**
 * Decoding, resizing and encoding of menu photos with Jimp (pure JavaScript codecs for JPEG and PNG,
 * Jimp's WebAssembly codec for WebP; no native addon). Only the formats and the one plugin the store
 * needs are loaded. Decoding a large photo takes a good part of a second of CPU, so the store runs
 * this module in a worker (`resize_worker.ts`), never on the thread that answers requests.
 *
 * @module
 */
import { createJimp } from "@jimp/core";
import jpeg from "@jimp/js-jpeg";
import png from "@jimp/js-png";
import webp from "@jimp/wasm-webp";
import { methods as resizeMethods } from "@jimp/plugin-resize";
import type { PhotoType } from "./image_type.ts";

const Jimp = createJimp({ formats: [jpeg, png, webp], plugins: [resizeMethods] });

/** JPEG quality of resized photos (0-100). */
export const JPEG_QUALITY = 82;

/** A decoded-and-encoded image. */
export interface Encoded {
  /** The encoded bytes. */
  bytes: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Decodes `bytes` fully (proving they are a readable image) and returns its size in pixels. */
export async function decodeSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const image = await Jimp.read(toArrayBuffer(bytes));
  return { width: image.width, height: image.height };
}

/**
 * `bytes` (a photo of `type`) scaled to `width` pixels wide, keeping its aspect ratio, encoded as
 * `type` again (JPEG at {@linkcode JPEG_QUALITY}). Never scales up: a narrower photo keeps its width.
 */
export async function resizeTo(bytes: Uint8Array, type: PhotoType, width: number): Promise<Encoded> {
  const image = await Jimp.read(toArrayBuffer(bytes));
  if (image.width > width) image.resize({ w: width });
  const out = type === "image/jpeg"
    ? await image.getBuffer("image/jpeg", { quality: JPEG_QUALITY })
    : type === "image/png"
    ? await image.getBuffer("image/png")
    : await image.getBuffer("image/webp");
  return { bytes: new Uint8Array(out), width: image.width, height: image.height };
}

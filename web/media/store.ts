/**
 * Menu photos, stored as files under a folder of their own (`WEB_MEDIA_DIR`, default
 * `<DATA_DIR>/media`), never in Deno KV, whose values stop at 64 KiB:
 *
 * ```text
 * <dir>/originals/<sha256>            the uploaded bytes, named by their SHA-256 (stored once)
 * <dir>/items/<itemId>/<sha256>.json  that item has that photo: type, width, height, size, time
 * <dir>/resized/<sha256>/<width>.<ext> a width made on first request and kept
 * ```
 *
 * {@linkcode PhotoStore.putItemPhoto} accepts JPEG, PNG and WebP (judged by their first bytes), at
 * most {@linkcode MAX_PHOTO_BYTES} and {@linkcode MAX_PIXELS}, and only once the whole image decodes;
 * it answers the photo's web path, `/media/items/<itemId>/<sha256>`, which `routes.ts` serves at the
 * widths of {@linkcode PHOTO_WIDTHS}. Every path on disk is built from an item id and a hash that
 * passed strict patterns, so no request can name a file outside the folder.
 *
 * Files are written to a temporary name and renamed, so a reader never sees half a file. Replicas of
 * web on several hosts need the folder on a shared volume.
 *
 * @module
 */
import { resolve } from "node:path";
import { imageSize } from "image-size";
import { extensionOf, normalizeType, PHOTO_TYPES, type PhotoType, sniffPhotoType } from "./image_type.ts";
import { CodecError, Resizer } from "./resizer.ts";

/** Largest photo accepted, in bytes (5 MiB). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Most pixels a photo may have (a 8000 x 6000 photo; decoding takes 4 bytes a pixel). */
export const MAX_PIXELS = 48_000_000;
/** The widths photos are served at, in pixels. */
export const PHOTO_WIDTHS: readonly number[] = [320, 640, 960];

/** Ids of menu items: letters, digits, `_` and `-` (no dots or slashes, so never a path). */
export const ITEM_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A photo's name: the lowercase hex SHA-256 of its bytes. */
export const PHOTO_HASH = /^[0-9a-f]{64}$/;

/** Why a photo was refused. */
export type PhotoErrorCode = "invalid_item_id" | "too_large" | "unsupported_type" | "unreadable";

/** A photo the store refuses; `message` says why in words for the person uploading it. */
export class PhotoError extends Error {
  /** Machine-readable reason. */
  readonly code: PhotoErrorCode;

  /** Creates the error. */
  constructor(code: PhotoErrorCode, message: string) {
    super(message);
    this.name = "PhotoError";
    this.code = code;
  }
}

/** What the store knows of one item's photo. */
export interface PhotoInfo {
  /** Content type of the original. */
  type: PhotoType;
  /** Width of the original in pixels. */
  width: number;
  /** Height of the original in pixels. */
  height: number;
  /** Size of the original in bytes. */
  size: number;
  /** When it was stored (ISO 8601). */
  storedAt: string;
}

/** One served width of a photo. */
export interface PhotoVariant {
  /** The encoded image. */
  bytes: Uint8Array;
  /** Its content type (the original's). */
  type: PhotoType;
  /** A strong ETag (the content hash and the width: the bytes behind it never change). */
  etag: string;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const typeList = PHOTO_TYPES.map((t) => t.slice("image/".length).toUpperCase()).join(", ");

/** The photo folder of `env`: `WEB_MEDIA_DIR`, else `<DATA_DIR or ./data>/media`. */
export function mediaDirFromEnv(env: Record<string, string | undefined>): string {
  return env.WEB_MEDIA_DIR || `${env.DATA_DIR || "./data"}/media`;
}

/** Menu photos under one folder (see the module doc). */
export class PhotoStore {
  /** The folder, as an absolute path. */
  readonly dir: string;
  readonly #resizer: Resizer;
  readonly #making = new Map<string, Promise<PhotoVariant>>();

  /** A store under `dir` (created on the first upload). */
  constructor(dir: string, resizer: Resizer = new Resizer()) {
    this.dir = resolve(dir);
    this.#resizer = resizer;
  }

  /**
   * Stores `bytes` as the photo of item `itemId` and returns its web path
   * (`/media/items/<itemId>/<sha256>`). `contentType` is what the upload said it is; the bytes decide,
   * and a declared image type they contradict is refused. Throws {@linkcode PhotoError}.
   */
  async putItemPhoto(itemId: string, bytes: Uint8Array, contentType: string | null): Promise<string> {
    if (!ITEM_ID.test(itemId)) {
      throw new PhotoError(
        "invalid_item_id",
        `Item id ${JSON.stringify(itemId)} is not valid (letters, digits, "_" and "-", at most 64)`,
      );
    }
    if (bytes.byteLength > MAX_PHOTO_BYTES) {
      throw new PhotoError(
        "too_large",
        `The photo is ${bytes.byteLength} bytes; the limit is ${MAX_PHOTO_BYTES} bytes (5 MB)`,
      );
    }
    const type = sniffPhotoType(bytes);
    const declared = normalizeType(contentType);
    if (type === null) {
      throw new PhotoError(
        "unsupported_type",
        `The file${declared ? ` (sent as ${declared})` : ""} is not a JPEG, PNG or WebP image; ` +
          `photos must be ${typeList}`,
      );
    }
    if (declared !== null && declared !== "application/octet-stream" && declared !== type) {
      throw new PhotoError(
        "unsupported_type",
        `The file was sent as ${declared} but its content is ${type}; photos must be ${typeList}`,
      );
    }
    let pixels: number;
    try {
      const { width = 0, height = 0 } = imageSize(bytes);
      pixels = width * height;
    } catch (err) {
      throw new PhotoError("unreadable", `The ${type} image cannot be read: ${(err as Error).message}`);
    }
    if (pixels === 0 || pixels > MAX_PIXELS) {
      throw new PhotoError(
        pixels === 0 ? "unreadable" : "too_large",
        pixels === 0
          ? `The ${type} image has no size`
          : `The photo has ${pixels} pixels; the limit is ${MAX_PIXELS} (e.g. 8000 x 6000)`,
      );
    }
    let size: { width: number; height: number };
    try {
      size = await this.#resizer.size(bytes);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      throw new PhotoError("unreadable", `The ${type} image cannot be decoded: ${err.message}`);
    }
    const hash = await sha256Hex(bytes);
    await this.#writeOnce(this.#original(hash), bytes);
    const info: PhotoInfo = {
      type,
      width: size.width,
      height: size.height,
      size: bytes.byteLength,
      storedAt: new Date().toISOString(),
    };
    await this.#write(this.#infoPath(itemId, hash), new TextEncoder().encode(JSON.stringify(info)));
    return `/media/items/${itemId}/${hash}`;
  }

  /** What is known of item `itemId`'s photo `hash`, or null (also for ids and hashes that cannot be). */
  async info(itemId: string, hash: string): Promise<PhotoInfo | null> {
    if (!ITEM_ID.test(itemId) || !PHOTO_HASH.test(hash)) return null;
    try {
      return JSON.parse(await Deno.readTextFile(this.#infoPath(itemId, hash))) as PhotoInfo;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  }

  /**
   * Item `itemId`'s photo `hash` at `width` (one of {@linkcode PHOTO_WIDTHS}, else a RangeError), made
   * on the first request and kept on disk; null when the item has no such photo.
   */
  async variant(itemId: string, hash: string, width: number): Promise<PhotoVariant | null> {
    if (!PHOTO_WIDTHS.includes(width)) {
      throw new RangeError(`Width ${width} is not served; use one of ${PHOTO_WIDTHS.join(", ")}`);
    }
    const info = await this.info(itemId, hash);
    if (!info) return null;
    const etag = `"${hash.slice(0, 32)}-${width}"`;
    if (info.width <= width) {
      return { bytes: await Deno.readFile(this.#original(hash)), type: info.type, etag };
    }
    const file = this.#resized(hash, width, info.type);
    try {
      return { bytes: await Deno.readFile(file), type: info.type, etag };
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const key = `${hash}/${width}`;
    let making = this.#making.get(key);
    if (!making) {
      making = (async () => {
        const original = await Deno.readFile(this.#original(hash));
        const { bytes } = await this.#resizer.resize(original, info.type, width);
        await this.#write(file, bytes);
        return { bytes, type: info.type, etag };
      })().finally(() => this.#making.delete(key));
      this.#making.set(key, making);
    }
    return await making;
  }

  /** Stops the resize worker. */
  close(): void {
    this.#resizer.close();
  }

  #inside(...parts: string[]): string {
    const path = resolve(this.dir, ...parts);
    if (!path.startsWith(this.dir + "/")) throw new Error(`Photo path ${path} is outside ${this.dir}`);
    return path;
  }

  #original(hash: string): string {
    return this.#inside("originals", hash);
  }

  #infoPath(itemId: string, hash: string): string {
    return this.#inside("items", itemId, `${hash}.json`);
  }

  #resized(hash: string, width: number, type: PhotoType): string {
    return this.#inside("resized", hash, `${width}.${extensionOf(type)}`);
  }

  async #writeOnce(path: string, bytes: Uint8Array): Promise<void> {
    try {
      await Deno.stat(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      await this.#write(path, bytes);
    }
  }

  async #write(path: string, bytes: Uint8Array): Promise<void> {
    const folder = path.slice(0, path.lastIndexOf("/"));
    await Deno.mkdir(folder, { recursive: true });
    const tmp = `${folder}/.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeFile(tmp, bytes);
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
  }
}

/**
 * The image types a menu photo may have, recognised by their first bytes (never by a file name or a
 * client's `Content-Type` alone):
 *
 * | type | magic bytes |
 * | --- | --- |
 * | `image/jpeg` | `FF D8 FF` |
 * | `image/png` | `89 50 4E 47 0D 0A 1A 0A` |
 * | `image/webp` | `RIFF` <4 bytes> `WEBP` |
 *
 * @module
 */

/** A photo type the store accepts. */
export type PhotoType = "image/jpeg" | "image/png" | "image/webp";

/** The accepted types, in the order error messages list them. */
export const PHOTO_TYPES: readonly PhotoType[] = ["image/jpeg", "image/png", "image/webp"];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));

/** The type `bytes` start like, or null when they are none of {@linkcode PHOTO_TYPES}. */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  return null;
}

/** `image/jpeg; charset=x` -> `image/jpeg` (`image/jpg` and `image/pjpeg` count as JPEG); null when unset. */
export function normalizeType(contentType: string | null | undefined): string | null {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!type) return null;
  return type === "image/jpg" || type === "image/pjpeg" ? "image/jpeg" : type;
}

/** File extension of a photo type (for the cached files on disk). */
export function extensionOf(type: PhotoType): string {
  return type === "image/jpeg" ? "jpg" : type === "image/png" ? "png" : "webp";
}

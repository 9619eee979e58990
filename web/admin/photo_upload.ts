/**
 * Storing an uploaded menu photo: the file of the upload form goes to the {@linkcode PhotoStore}
 * (which judges it by its bytes: JPEG, PNG or WebP, at most 5 MB and 48 MP, and only once it decodes),
 * and a refusal becomes the status and message the form shows: unsupported type 415, too large 413,
 * unreadable 400.
 *
 * @module
 */
import { ApiError, type ErrorStatus } from "../api/errors.ts";
import { PhotoError, type PhotoErrorCode, type PhotoStore } from "../media/store.ts";

/** What the file input offers to pick. */
export const ACCEPTED_PHOTO_TYPES = "image/jpeg,image/png,image/webp";

const STATUS: Record<PhotoErrorCode, ErrorStatus> = {
  unsupported_type: 415,
  too_large: 413,
  unreadable: 400,
  invalid_item_id: 404,
};

/** The HTTP status of a refused photo. */
export function photoStatus(err: PhotoError): ErrorStatus {
  return STATUS[err.code];
}

/**
 * Stores `file` as item `itemId`'s photo in `store`; its web path. Throws an {@linkcode ApiError}
 * (field `photo`) when there is no file, no store, or the store refuses it (see the module doc).
 */
export async function storeUploadedPhoto(
  store: PhotoStore | undefined,
  itemId: string,
  file: File | null,
): Promise<string> {
  if (!file || file.size === 0) {
    throw new ApiError(400, "invalid_argument", "Choose a photo to upload.", { field: "photo" });
  }
  if (!store) {
    throw new ApiError(503, "unavailable", "Photo uploads are not set up on this server.", {
      field: "photo",
    });
  }
  try {
    return await store.putItemPhoto(itemId, new Uint8Array(await file.arrayBuffer()), file.type || null);
  } catch (err) {
    if (!(err instanceof PhotoError)) throw err;
    throw new ApiError(photoStatus(err), err.code, `${err.message}.`, { field: "photo" });
  }
}

/**
 * Admin forms that carry a file (the menu photo upload): `multipart/form-data` POSTs to the paths of
 * {@linkcode UPLOAD_PATH} only. The admin guard reads them with {@linkcode readUploadForm} instead of
 * the URL-encoded reader, so their text fields (the CSRF token among them) are checked the same way;
 * the files are kept for the route ({@linkcode uploadedFile}). The body was already capped by the
 * route's own limit (`config.maxBodyBytes`, framework/mod.ts) before anything here reads it.
 *
 * @module
 */
import { readWithin } from "../api/body_deadline.ts";
import { ApiError } from "../api/errors.ts";
import { MAX_PHOTO_BYTES } from "../media/store.ts";

/** The admin paths that accept a file upload: `/admin/menu/<id>/photo`. */
export const UPLOAD_PATH = /^\/admin\/menu\/[^/]+\/photo$/;

/**
 * Largest upload body: a photo of {@linkcode MAX_PHOTO_BYTES} plus 1 MiB for the form around it and a
 * photo a little too large, so that one is refused by the photo store with a message on the form
 * (413) rather than by the body limit's bare page.
 */
export const MAX_UPLOAD_BODY_BYTES = MAX_PHOTO_BYTES + 1024 * 1024;

const filesOf = new WeakMap<Request, Map<string, File>>();

/** True when `req` to `path` is a file upload the admin accepts. */
export function isUpload(req: Request, path: string): boolean {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return req.method === "POST" && type === "multipart/form-data" && UPLOAD_PATH.test(path);
}

/**
 * Reads a multipart form: its text fields (returned) and its files (kept for {@linkcode uploadedFile}).
 * A body that is not multipart form data is 400.
 */
export async function readUploadForm(req: Request): Promise<URLSearchParams> {
  let data: FormData;
  try {
    data = await readWithin(req, req.formData());
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, "invalid_form", "The upload could not be read as a form. Please try again.");
  }
  const fields = new URLSearchParams();
  const files = new Map<string, File>();
  for (const [name, value] of data) {
    if (typeof value === "string") fields.append(name, value);
    else if (!files.has(name)) files.set(name, value);
  }
  filesOf.set(req, files);
  return fields;
}

/** The file uploaded as field `name` of `req` (read by {@linkcode readUploadForm}), or null. */
export function uploadedFile(req: Request, name: string): File | null {
  return filesOf.get(req)?.get(name) ?? null;
}

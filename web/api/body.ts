/**
 * Reading request bodies safely: a size limit checked against `Content-Length` and against the
 * bytes actually read, the content type, and JSON decoding with clear errors.
 *
 * @module
 */
import { bodyComplete, readChunk } from "./body_deadline.ts";
import { ApiError } from "./errors.ts";

/**
 * Reads the whole body as bytes, answering 413 once it is larger than `maxBytes` (naming it `what`),
 * and 408 when the body deadline passes first (see `body_deadline.ts`).
 */
export async function readBodyBytes(
  req: Request,
  maxBytes: number,
  what = "Request body",
): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) {
      throw new ApiError(400, "invalid_argument", `Content-Length "${declared}" is not a number`, {
        field: "Content-Length",
      });
    }
    if (Number(declared) > maxBytes) {
      await req.body?.cancel().catch(() => {});
      throw tooLarge(maxBytes, what);
    }
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await readChunk(req, reader);
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes, what);
    }
    chunks.push(value);
  }
  bodyComplete(req);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number, what: string): ApiError {
  return new ApiError(413, "payload_too_large", `${what} is larger than ${maxBytes} bytes`);
}

/** True when `contentType` is `application/json` (any case, optional UTF-8 charset). */
export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  for (const p of params) {
    const [k, v] = p.split("=").map((s) => s.trim().replace(/^"|"$/g, ""));
    if (k === "charset" && v !== "utf-8" && v !== "utf8") return false;
  }
  return true;
}

/** What a client must add to label its body as JSON, shown in 415 answers. */
export const JSON_HEADER_HINT = "-H 'Content-Type: application/json'";

/**
 * Reads a required JSON body: 413 when too large (checked before anything is decoded), 400 when
 * missing.
 *
 * A body that is valid UTF-8 JSON is accepted whatever its `Content-Type` says: curl labels `-d` data
 * `application/x-www-form-urlencoded` unless told otherwise, and the seed project's README sends JSON
 * exactly that way. The label decides only how a body that is not JSON is answered:
 *
 * - labelled `application/json`: 400 `invalid_json` saying what is wrong with it;
 * - labelled anything else (or nothing): 415 `unsupported_media_type`, naming the label and showing
 *   the header to add.
 *
 * Accepting any label does not open the API to cross-site form posts: every mutation from another
 * site is refused by `cross_site.ts` whatever its content type.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyBytes(req, maxBytes);
  if (bytes.byteLength === 0) {
    throw new ApiError(400, "invalid_json", "Request body is missing; send a JSON document");
  }
  const contentType = req.headers.get("content-type");
  const labelledJson = isJsonContentType(contentType);
  const parsed = parseJson(bytes);
  if (parsed.ok) return parsed.value;
  if (labelledJson) throw new ApiError(400, "invalid_json", parsed.message);
  const label = contentType ? `Content-Type "${contentType}"` : "no Content-Type";
  throw new ApiError(
    415,
    "unsupported_media_type",
    `Request body is not JSON (${label}); send a JSON document with the header ` +
      `"Content-Type: application/json" (curl: ${JSON_HEADER_HINT})`,
    { field: "Content-Type" },
  );
}

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, message: "Request body is not valid UTF-8" };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `Request body is not valid JSON: ${(err as Error).message}` };
  }
}

/**
 * Reading request bodies safely: a size limit checked against `Content-Length` and against the
 * bytes actually read, the content type, and JSON decoding with clear errors.
 *
 * @module
 */
import { ApiError } from "./errors.ts";

/** Reads the whole body as bytes, answering 413 once it is larger than `maxBytes`. */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) {
      throw new ApiError(400, "invalid_argument", `Content-Length "${declared}" is not a number`, {
        field: "Content-Length",
      });
    }
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `Request body is larger than ${maxBytes} bytes`);
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

/**
 * Reads a required JSON body: 413 when too large, 400 when missing, 415 when not
 * `application/json`, 400 when not valid UTF-8 JSON.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyBytes(req, maxBytes);
  if (bytes.byteLength === 0) {
    throw new ApiError(400, "invalid_json", "Request body is missing; send a JSON document");
  }
  const contentType = req.headers.get("content-type");
  if (!isJsonContentType(contentType)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Content-Type must be application/json, got ${contentType ? `"${contentType}"` : "none"}`,
      { field: "Content-Type" },
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_json", "Request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "invalid_json", `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * gzip (or deflate) for text answers, as Hono's `compress` middleware gives them: HTML, CSS,
 * JavaScript, JSON, SVG and the other types of Hono's `COMPRESSIBLE_CONTENT_TYPE_REGEX`, when the
 * client accepts it. Never compressed: server-sent events (`text/event-stream`: they must reach the
 * browser event by event, and the regex leaves them out), images that are compressed already (JPEG,
 * PNG, WebP), `HEAD`, ranges, and answers marked `Cache-Control: no-transform`.
 *
 * Hono's `compress` skips bodies under its threshold (1 KiB) only when they declare a
 * `Content-Length`, which answers built in memory (pages, JSON) do not. So such an answer of a
 * compressible type is measured first: below the threshold it goes as it is, with its
 * `Content-Length` (gzip would make a small JSON answer larger and costs CPU per request); above it,
 * when the client's `Accept-Encoding` picks gzip, it is gzipped here at once (node:zlib, the same
 * level as `CompressionStream`), with the headers `compress` would give it (`Content-Encoding`,
 * `Vary: Accept-Encoding`, a weak `ETag`) and the gzip's `Content-Length`: the bytes are in memory
 * already, and a `CompressionStream` costs more than the deflate itself. Anything else (deflate, a
 * body with a `Content-Length` such as a static file) goes through `compress` as before. A download
 * (`Content-Disposition: attachment`, e.g. the streamed orders CSV) is not measured: it is
 * compressed as it streams.
 *
 * The measuring never reads `res.body` before it is needed: that getter turns a body built from a
 * string into a stream, which `Deno.serve` then has to read chunk by chunk.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { compress, COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/compress";
import { parseAccept } from "hono/utils/accept";
import { gzipSync } from "node:zlib";

/** Smallest body compressed, in bytes. */
export const COMPRESS_THRESHOLD = 1024;

const gzip = compress({ threshold: COMPRESS_THRESHOLD });
/** Statuses whose answers have no body (a `Response` with one cannot be made). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * The encoding Hono's `compress` would pick for `header` among gzip and deflate (gzip first at equal
 * weight), as its `selectEncoding` does; undefined for none.
 */
export function selectedEncoding(header: string | undefined): "gzip" | "deflate" | undefined {
  if (header === undefined) return undefined;
  const accepts = parseAccept(header);
  const wildcardQ = accepts.find((a) => a.type === "*")?.q;
  let best: { encoding: "gzip" | "deflate"; q: number } | undefined;
  for (const encoding of ["gzip", "deflate"] as const) {
    const explicit = accepts.find((a) => a.type.toLowerCase() === encoding);
    const q = explicit ? explicit.q : wildcardQ ?? 0;
    if (q === 1) return encoding;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

function compressible(res: Response): boolean {
  return COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get("content-type") ?? "");
}

/** `headers` as Hono's `compress` leaves them on an answer it gzipped (with the gzip's length). */
function gzipHeaders(headers: Headers, length: number): void {
  const vary = headers.get("vary");
  if (vary !== "*" && !(vary && VARY_ACCEPT_ENCODING.test(vary))) {
    headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  headers.set("Content-Encoding", "gzip");
  headers.set("Content-Length", String(length));
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("ETag", `W/${etag}`);
}

/**
 * Makes `res` the answer as it is. Hono's `c.res` setter, given a new answer while one is set, builds
 * another from `res.body` (turning a body held in memory into a stream) and copies the old answer's
 * headers over its own (an old strong `ETag` over the weak one); cleared first, it takes `res` as it
 * is. `res` carries every header of the old answer already.
 */
function replaceResponse(c: Context, res: Response): void {
  (c as unknown as { res: Response | undefined }).res = undefined;
  c.res = res;
}

/** The middleware (see the module doc). */
export function compression(): MiddlewareHandler {
  return async (c, next) => {
    await gzip(c, async () => {
      await next();
      const res = c.res;
      if (
        c.req.method === "HEAD" || NULL_BODY.has(res.status) || res.headers.has("content-length") ||
        !compressible(res)
      ) {
        return;
      }
      // a download (e.g. the streamed CSV export) is never held whole to be measured: compressed as it streams
      if (/^\s*attachment\b/i.test(res.headers.get("content-disposition") ?? "")) return;
      const accepted = c.req.header("accept-encoding");
      if (!/\b(gzip|deflate|\*)\b/i.test(accepted ?? "")) return;
      // built in memory anyway: measure it (a missing body reads as empty)
      const bytes = new Uint8Array(await res.arrayBuffer());
      const headers = new Headers(res.headers);
      const init = { status: res.status, statusText: res.statusText, headers };
      if (
        bytes.byteLength >= COMPRESS_THRESHOLD && res.status !== 206 &&
        selectedEncoding(accepted) === "gzip" &&
        !NO_TRANSFORM.test(headers.get("cache-control") ?? "") && !headers.has("content-encoding") &&
        !headers.has("transfer-encoding")
      ) {
        const zipped = new Uint8Array(gzipSync(bytes));
        gzipHeaders(headers, zipped.byteLength);
        replaceResponse(c, new Response(zipped, init));
        return;
      }
      headers.set("Content-Length", String(bytes.byteLength));
      replaceResponse(c, new Response(bytes, init));
    });
  };
}

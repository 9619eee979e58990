/**
 * gzip (or deflate) for text answers, with Hono's `compress` middleware: HTML, CSS, JavaScript, JSON,
 * SVG and the other types of Hono's `COMPRESSIBLE_CONTENT_TYPE_REGEX`, when the client accepts it.
 * Never compressed: server-sent events (`text/event-stream`: they must reach the browser event by
 * event, and the regex leaves them out), images that are compressed already (JPEG, PNG, WebP), `HEAD`,
 * ranges, and answers marked `Cache-Control: no-transform`.
 *
 * Hono's `compress` skips bodies under its threshold (1 KiB) only when they declare a
 * `Content-Length`, which answers built in memory (pages, JSON) do not. So such an answer of a
 * compressible type is measured first: below the threshold it goes as it is (gzip would make a small
 * JSON answer larger and costs CPU per request), above it `compress` runs. A download
 * (`Content-Disposition: attachment`, e.g. the streamed orders CSV) is not measured: it is compressed
 * as it streams.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { compress, COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/compress";

/** Smallest body compressed, in bytes. */
export const COMPRESS_THRESHOLD = 1024;

const gzip = compress({ threshold: COMPRESS_THRESHOLD });

function compressible(res: Response): boolean {
  return COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get("content-type") ?? "");
}

/** The middleware (see the module doc). */
export function compression(): MiddlewareHandler {
  return async (c, next) => {
    await gzip(c, async () => {
      await next();
      const res = c.res;
      if (!res.body || res.headers.has("content-length") || !compressible(res) || c.req.method === "HEAD") {
        return;
      }
      // a download (e.g. the streamed CSV export) is never held whole to be measured: compressed as it streams
      if (/^\s*attachment\b/i.test(res.headers.get("content-disposition") ?? "")) return;
      if (!/\b(gzip|deflate|\*)\b/i.test(c.req.header("accept-encoding") ?? "")) return;
      // built in memory anyway: measure it so compress can apply its threshold
      const bytes = new Uint8Array(await res.arrayBuffer());
      const headers = new Headers(res.headers);
      headers.set("Content-Length", String(bytes.byteLength));
      c.res = new Response(bytes, { status: res.status, statusText: res.statusText, headers });
    });
  };
}

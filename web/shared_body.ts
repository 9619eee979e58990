/**
 * An answer whose body is the same for everyone for a while (the customers' catalog): its bytes and
 * their gzip are made once, not per request. A request that `compression.ts` would answer gzipped
 * (a body of at least {@linkcode COMPRESS_THRESHOLD} bytes and an `Accept-Encoding` under which Hono's
 * `compress` picks gzip) gets the kept gzip with `Content-Encoding: gzip`, its `Content-Length` and
 * `Vary: Accept-Encoding`; any other request gets the plain body, left to `compression.ts` as before.
 *
 * @module
 */
import type { Context } from "hono";
import { gzipSync } from "node:zlib";
import { COMPRESS_THRESHOLD, selectedEncoding } from "./compression.ts";

export { selectedEncoding };

/** A body shared by every request while it lasts, gzipped at most once. */
export class SharedBody {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #gzip: Uint8Array<ArrayBuffer> | undefined;

  /** `text` served as `contentType`. */
  constructor(text: string, readonly contentType: string) {
    this.#bytes = new TextEncoder().encode(text);
  }

  /** The gzip of the body (made on first use). */
  gzip(): Uint8Array<ArrayBuffer> {
    return this.#gzip ??= new Uint8Array(gzipSync(this.#bytes));
  }

  /** The answer to `c` (status 200). */
  response(c: Context): Response {
    if (
      c.req.method === "GET" && this.#bytes.byteLength >= COMPRESS_THRESHOLD &&
      selectedEncoding(c.req.header("accept-encoding")) === "gzip"
    ) {
      const gzip = this.gzip();
      return c.body(gzip, 200, {
        "Content-Type": this.contentType,
        "Content-Encoding": "gzip",
        "Content-Length": String(gzip.byteLength),
        "Vary": "Accept-Encoding",
      });
    }
    return c.body(this.#bytes, 200, { "Content-Type": this.contentType });
  }
}

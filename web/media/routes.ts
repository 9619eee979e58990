/**
 * `GET /media/items/<itemId>/<sha256>?w=<width>`: a menu photo of the {@linkcode PhotoStore}, scaled
 * to `w` (one of {@linkcode PHOTO_WIDTHS}; the largest when absent), with its own content type,
 * `Cache-Control: public, max-age=31536000, immutable` (the URL names the content) and a strong
 * ETag; `If-None-Match` with that ETag answers 304. A width outside the set answers 400; an id or
 * hash that is not valid, or a photo the item does not have, 404.
 *
 * @module
 */
import { Hono } from "hono";
import { PHOTO_WIDTHS, type PhotoStore } from "./store.ts";

/** `Cache-Control` of photos. */
export const PHOTO_CACHE_CONTROL = "public, max-age=31536000, immutable";

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" ||
    ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** The photo route (mount it with `app.route("/", mediaRoutes(store))`). */
export function mediaRoutes(store: PhotoStore): Hono {
  const app = new Hono();
  app.get("/media/items/:itemId/:hash", async (c) => {
    const w = c.req.query("w");
    const width = w === undefined ? Math.max(...PHOTO_WIDTHS) : Number(w);
    if (!PHOTO_WIDTHS.includes(width)) {
      return c.text(`w must be one of ${PHOTO_WIDTHS.join(", ")}, got ${JSON.stringify(w)}`, 400);
    }
    const photo = await store.variant(c.req.param("itemId"), c.req.param("hash"), width);
    if (!photo) return c.text("Not found", 404);
    const headers = {
      "Cache-Control": PHOTO_CACHE_CONTROL,
      ETag: photo.etag,
      "X-Content-Type-Options": "nosniff",
    };
    if (matches(c.req.header("if-none-match"), photo.etag)) return c.body(null, 304, headers);
    return c.body(photo.bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, "Content-Type": photo.type });
  });
  return app;
}

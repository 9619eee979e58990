import assert from "node:assert/strict";
import { Hono } from "hono";
import { h } from "preact";
import type { AppEnv } from "../api/deps.ts";
import { createApp } from "../server.ts";
import { depsWithoutServices } from "../testing.ts";
import { CROSS_SITE_MESSAGE, IMMUTABLE, mountPages, PAGE_CACHE_CONTROL } from "./mod.ts";
import { hasMutableHeaders } from "./mutable_headers.ts";
import { CONTENT_SECURITY_POLICY } from "./security.ts";
import type { Manifest } from "./types.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** The gateway with one form page and a static folder holding `site.css`. */
async function site() {
  const { deps, close } = depsWithoutServices();
  const posted: string[] = [];
  const manifest: Manifest = {
    routes: {
      "form.tsx": {
        default: () => h("form", { method: "post" }, h("button", null, "Send")),
        handler: {
          POST: async (ctx) => {
            posted.push(await ctx.req.text());
            return new Response("done");
          },
        },
      },
    },
    islands: {},
  };
  const staticDir = await Deno.makeTempDir({ prefix: "oms-static-" });
  await Deno.writeTextFile(`${staticDir}/site.css`, "body { margin: 0; }\n".repeat(100));
  const app = createApp(deps);
  const pages = await mountPages(app, deps, {
    manifest,
    client: null,
    staticDir: new URL(`file://${staticDir}/`),
    publicUrl: null,
  });
  return {
    app,
    pages,
    posted,
    async close() {
      close();
      await Deno.remove(staticDir, { recursive: true });
    },
  };
}

const form = (headers: Record<string, string> = {}, body = "a=1") => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body,
});

Deno.test(
  "a page carries the CSP of security.ts, may be kept by the browser but is revalidated (ETag, 304)",
  opts,
  async () => {
    const s = await site();
    try {
      const res = await s.app.request("/form");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
      assert.equal(res.headers.get("x-frame-options"), "DENY");
      assert.equal(res.headers.get("cache-control"), PAGE_CACHE_CONTROL);
      const etag = res.headers.get("etag")!;
      assert.match(etag, /^"[0-9a-f]{40}"$/);
      await res.body?.cancel();
      const again = await s.app.request("/form", { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
    } finally {
      await s.close();
    }
  },
);

Deno.test(
  "a form posted from another site is refused with 403 before the page runs; from this site it is handled",
  opts,
  async () => {
    const s = await site();
    try {
      const cross = await s.app.request("http://shop.test/form", form({ origin: "https://evil.example" }));
      assert.equal(cross.status, 403);
      assert.match(await cross.text(), new RegExp(CROSS_SITE_MESSAGE.replace(/\./g, "\\.")));
      const meta = await s.app.request("http://shop.test/form", form({ "sec-fetch-site": "cross-site" }));
      assert.equal(meta.status, 403);
      await meta.body?.cancel();
      assert.deepEqual(s.posted, [], "the page never ran");
      const own = await s.app.request(
        "http://shop.test/form",
        form({ origin: "http://shop.test", "sec-fetch-site": "same-origin" }),
      );
      assert.equal(own.status, 200);
      assert.equal(await own.text(), "done");
      assert.deepEqual(s.posted, ["a=1"]);
    } finally {
      await s.close();
    }
  },
);

Deno.test(
  "a page body over the limit is refused with 413, declared or streamed, before the page runs",
  opts,
  async () => {
    const s = await site();
    try {
      const big = "a=" + "x".repeat(70 * 1024);
      const declared = await s.app.request("/form", form({}, big));
      assert.equal(declared.status, 413);
      assert.match(await declared.text(), /larger than 65536 bytes/);
      const stream = new Blob([big]).stream();
      const streamed = await s.app.request("/form", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: stream,
      });
      assert.equal(streamed.status, 413);
      await streamed.body?.cancel();
      assert.deepEqual(s.posted, []);
    } finally {
      await s.close();
    }
  },
);

Deno.test(
  "static files come from serveStatic: hashed names immutable, ETag and 304, gzip, nothing outside the folder",
  opts,
  async () => {
    const s = await site();
    try {
      const file = s.pages.staticFiles.find((f) => f.path === "site.css")!;
      const hashed = await s.app.request(`/_static/${file.hashedPath}`, {
        headers: { "accept-encoding": "gzip" },
      });
      assert.equal(hashed.status, 200);
      assert.equal(hashed.headers.get("cache-control"), IMMUTABLE);
      assert.match(hashed.headers.get("content-type") ?? "", /^text\/css/);
      assert.equal(hashed.headers.get("content-encoding"), "gzip");
      assert.equal(hashed.headers.get("etag"), `W/${file.etag}`);
      await hashed.body?.cancel();
      const plain = await s.app.request("/_static/site.css", { headers: { "if-none-match": file.etag } });
      assert.equal(plain.status, 304);
      assert.equal(plain.headers.get("cache-control"), "no-cache");
      for (
        const path of ["/_static/nope.css", "/_static/..%2F..%2F..%2Fetc%2Fpasswd", "/_static/%2e%2e/mod.ts"]
      ) {
        const res = await s.app.request(path);
        assert.equal(res.status, 404, path);
        await res.body?.cancel();
      }
    } finally {
      await s.close();
    }
  },
);

Deno.test(
  "a page's answer goes out as the handler made it when its headers can change; a redirect's is copied so they can",
  opts,
  async () => {
    const { deps, close } = depsWithoutServices();
    try {
      let made: Response | undefined;
      const manifest: Manifest = {
        routes: {
          "plain.tsx": { handler: { GET: () => made = new Response("<p>plain</p>") } },
          "moved.tsx": { handler: { GET: () => Response.redirect("http://example.test/plain", 303) } },
        },
        islands: {},
      };
      const app = new Hono<AppEnv>();
      let seen: Response | undefined;
      app.use(async (c, next) => {
        await next();
        seen = c.res;
      });
      await mountPages(app, deps, { manifest, client: null, publicUrl: null });
      const plain = await app.request("/plain");
      assert.equal(seen, made, "not a copy (which would read the body back as a stream)");
      assert.equal(await plain.text(), "<p>plain</p>");
      const moved = await app.request("/moved");
      assert.equal(moved.status, 303);
      assert.equal(moved.headers.get("location"), "http://example.test/plain");
      assert.equal(hasMutableHeaders(seen!), true, "the copy's headers can take the security headers");
    } finally {
      close();
    }
  },
);

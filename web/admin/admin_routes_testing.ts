/**
 * Test support (test code only): every admin route of `routes.gen.ts` with the methods its module
 * answers, so tests of the admin guard (roles, CSRF) cover a route added later by themselves.
 *
 * @module
 */
import { manifest } from "../routes.gen.ts";

/** The id put in place of every route parameter. */
export const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

/** An admin route: its path (params filled in) and the methods its module answers. */
export interface AdminRoute {
  file: string;
  path: string;
  methods: ("GET" | "POST")[];
}

/** Every admin route of the manifest but the middleware and layouts. */
export function adminRoutes(): AdminRoute[] {
  const out: AdminRoute[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    if (!file.startsWith("admin/") || file.split("/").some((p) => p.startsWith("_"))) continue;
    const path = "/" +
      file.replace(/\.tsx?$/, "").replace(/(^|\/)index$/, "").replace(/\[[^\]]+\]/g, SAMPLE_ID);
    const handler = (mod as { handler?: unknown }).handler;
    const methods: ("GET" | "POST")[] = [];
    if (typeof handler === "function") methods.push("GET", "POST");
    else if (handler && typeof handler === "object") {
      if ("GET" in handler || (mod as { default?: unknown }).default) methods.push("GET");
      if ("POST" in handler) methods.push("POST");
    } else if ((mod as { default?: unknown }).default) methods.push("GET");
    out.push({ file, path, methods });
  }
  return out;
}

/**
 * Test support (test code only): storefront form posts as a browser on this site sends them, and the
 * customer's form token read from a page.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The customer's form token on a page. */
export function tokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, "the page has a form token");
  return token;
}

/** A URL-encoded form post from this site (`Origin: http://localhost`), with extra `headers`. */
export function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

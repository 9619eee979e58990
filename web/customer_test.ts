import assert from "node:assert/strict";
import { countingSubtle } from "./crypto_spy_testing.ts";
import { Hono } from "hono";
import { generateSignedCookie } from "hono/cookie";
import { CUSTOMER_COOKIE, customerCookie, newCustomerId, readCustomerId } from "./customer.ts";

const SECRET = "k".repeat(40);
const ID = "c-AAAAAAAAAAAAAAAAAAAAAA";
/** Made by the earlier code (Hono's `generateSignedCookie` with SECRET), before keys were cached. */
const EARLIER_COOKIE = "oms_customer=c-AAAAAAAAAAAAAAAAAAAAAA.0pXZTRupPSzhCrYDxpNr9wkzdBLrC9RtxTNrPRzDi88%3D";
const OPTIONS = {
  path: "/",
  httpOnly: true,
  sameSite: "Lax",
  secure: false,
  maxAge: 365 * 24 * 3600,
} as const;

/** What `readCustomerId` finds in a request sending `cookie`. */
async function read(cookie: string | undefined, secret = SECRET): Promise<string | null> {
  const app = new Hono();
  app.get("/", async (c) => c.json({ id: await readCustomerId(c, secret) }));
  const res = await app.request("/", { headers: cookie === undefined ? {} : { cookie } });
  return ((await res.json()) as { id: string | null }).id;
}

Deno.test("a cookie made before the key cache (Hono's signed cookie) still proves its customer", async () => {
  assert.equal(await read(EARLIER_COOKIE), ID);
  const fromHono = await generateSignedCookie(CUSTOMER_COOKIE, ID, SECRET, OPTIONS);
  assert.equal(await read(fromHono.split(";")[0]), ID);
});

Deno.test("customerCookie makes exactly the Set-Cookie Hono's signed cookie helper makes", async () => {
  for (const secure of [false, true]) {
    const id = newCustomerId();
    assert.equal(
      await customerCookie(id, SECRET, secure),
      await generateSignedCookie(CUSTOMER_COOKIE, id, SECRET, { ...OPTIONS, secure }),
    );
  }
  assert.equal((await customerCookie(ID, SECRET, false)).split(";")[0], EARLIER_COOKIE);
});

Deno.test("a cookie proves its customer on every read with the same secret", async () => {
  const id = newCustomerId();
  const cookie = (await customerCookie(id, SECRET, false)).split(";")[0]!;
  assert.equal(await read(cookie), id);
  assert.equal(await read(`a=1; ${cookie}; b=2`), id);
});

Deno.test("a cookie with another secret, a changed id or signature, or malformed proves nobody", async () => {
  const signature = EARLIER_COOKIE.slice(EARLIER_COOKIE.indexOf(".") + 1);
  assert.equal(await read(EARLIER_COOKIE, "o".repeat(40)), null);
  assert.equal(await read(`${CUSTOMER_COOKIE}=c-BAAAAAAAAAAAAAAAAAAAAA.${signature}`), null);
  assert.equal(await read(EARLIER_COOKIE.replace("0pXZ", "1pXZ")), null);
  assert.equal(await read(`${CUSTOMER_COOKIE}=${ID}`), null);
  assert.equal(await read(`${CUSTOMER_COOKIE}=${ID}.`), null);
  assert.equal(await read(`${CUSTOMER_COOKIE}=${ID}.${"!".repeat(43)}%3D`), null);
  assert.equal(await read(`${CUSTOMER_COOKIE}=not-an-id.${signature}`), null);
  assert.equal(await read(undefined), null);
  assert.equal(await read("other=1"), null);
});

Deno.test("a signed value that is not a customer id proves nobody", async () => {
  const cookie = (await generateSignedCookie(CUSTOMER_COOKIE, "admin", SECRET, OPTIONS)).split(";")[0];
  assert.equal(await read(cookie), null);
});

Deno.test("a cookie that verified proves its customer again without an HMAC; an edited one is still refused", async () => {
  const id = newCustomerId();
  const cookie = (await customerCookie(id, SECRET, false)).split(";")[0]!;
  assert.equal(await read(cookie), id);
  const again = await countingSubtle("verify", async () => {
    for (let i = 0; i < 3; i++) assert.equal(await read(cookie), id);
  });
  assert.equal(again, 0, "remembered");
  const value = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  const dot = value.lastIndexOf(".");
  const sig = value.slice(dot + 1);
  const flippedSig = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
  const otherId = newCustomerId();
  const edited = await countingSubtle("verify", async () => {
    assert.equal(await read(`${CUSTOMER_COOKIE}=${encodeURIComponent(`${id}.${flippedSig}`)}`), null);
    assert.equal(await read(`${CUSTOMER_COOKIE}=${encodeURIComponent(`${otherId}.${sig}`)}`), null);
  });
  assert.equal(edited, 2, "each edited cookie was verified in full");
  assert.equal(await read(cookie, "z".repeat(40)), null, "remembered per secret");
});

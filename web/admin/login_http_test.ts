/**
 * Admin login over HTTP, through the whole gateway (client address middleware, pages) and the shared
 * staff store's throttle (hosted by a real orders service):
 * forged `X-Forwarded-For` from an untrusted peer is one address; behind a trusted proxy every
 * client counts on its own but all together stop at the global cap; 429 carries `Retry-After`; the
 * owner's browser gets in at once while the attack goes on; cookies are `Secure` and HSTS is sent
 * when the client is on HTTPS.
 */
import assert from "node:assert/strict";
import { mountPages } from "../framework/mod.ts";
import { type AppOptions, createApp } from "../server.ts";
import { startSystem, type TestSystem } from "../testing.ts";
import type { ThrottleLimits } from "../../services/staff/domain/throttle.ts";
import { DEVICE_COOKIE } from "./devices.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const PASSWORD = "the-right-admin-password";
const PROXY = "10.0.0.1";

/** The gateway with pages and the admin over `sys`, with `options`. */
async function gatewayOver(sys: TestSystem, options: AppOptions = {}) {
  const app = createApp(sys.deps, options);
  await mountPages(app, sys.deps);
  /** POSTs the login form (the first owner's name) from direct peer `peer`. */
  const login = (password: string, peer: string, headers: Record<string, string> = {}) =>
    app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ name: "admin", password, next: "/admin" }).toString(),
    }, { remoteAddr: { hostname: peer } });
  return { app, login, close: () => sys.stop() };
}

/** A system whose staff store has `limits`, and the gateway over it. */
async function gateway(limits: Partial<ThrottleLimits>, options: AppOptions = {}) {
  const sys = await startSystem({ admin: { password: PASSWORD }, staff: { limits } });
  return await gatewayOver(sys, options);
}

function cookieValue(res: Response, name: string): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return set ? set.slice(name.length + 1, set.indexOf(";")) : null;
}

async function statuses(responses: Response[]): Promise<Record<number, number>> {
  const count: Record<number, number> = {};
  for (const res of responses) {
    count[res.status] = (count[res.status] ?? 0) + 1;
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get("retry-after"));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After "${retryAfter}"`);
    }
    await res.body?.cancel();
  }
  return count;
}

Deno.test(
  "200 forged X-Forwarded-For addresses from an untrusted peer are one address: 5 guesses, then 429",
  opts,
  async () => {
    const gw = await gateway({ address: 5, account: 1000, global: 1000 });
    try {
      const responses = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) => gw.login(`guess-${i}`, "203.0.113.9", { "x-forwarded-for": `198.51.100.${i % 250}` }),
        ),
      );
      assert.deepEqual(await statuses(responses), { 401: 5, 429: 195 });
      const again = await gw.login(PASSWORD, "203.0.113.9", { "x-forwarded-for": "198.51.100.77" });
      assert.equal(again.status, 429, "another forged address is still the same peer");
      await again.body?.cancel();
      const other = await gw.login(PASSWORD, "203.0.113.10", { "x-forwarded-for": "198.51.100.1" });
      assert.equal(other.status, 303, "the forged addresses count for nothing: another peer gets in");
    } finally {
      await gw.close();
    }
  },
);

Deno.test(
  "behind a trusted proxy 200 clients count separately, but together make no more than the global cap of guesses",
  opts,
  async () => {
    const gw = await gateway({ address: 5, account: 1000, global: 30 }, { trustedProxies: [PROXY] });
    try {
      const responses = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) => gw.login(`guess-${i}`, PROXY, { "x-forwarded-for": `198.51.100.${i}` }),
        ),
      );
      // Each client guessed once, far under its own limit of 5: only the global cap refused the rest,
      // so the clients counted under their own addresses, not all under the proxy's.
      assert.deepEqual(await statuses(responses), { 401: 30, 429: 170 });
    } finally {
      await gw.close();
    }
  },
);

Deno.test(
  "the right password gets the owner's browser in at once while an attacker hammers from 200 addresses",
  opts,
  async () => {
    const gw = await gateway({ address: 3, account: 20, global: 40 }, { trustedProxies: [PROXY] });
    try {
      // Yesterday: the owner logged in from this browser, which keeps the device cookie.
      const earlier = await gw.login(PASSWORD, PROXY, { "x-forwarded-for": "192.0.2.10" });
      assert.equal(earlier.status, 303);
      const device = cookieValue(earlier, DEVICE_COOKIE);
      assert.ok(device, "a successful login remembers the browser");

      // Today: 200 addresses guess at once; in the middle of it the owner logs in.
      const attack = Array.from(
        { length: 200 },
        (_, i) => gw.login(`guess-${i}`, PROXY, { "x-forwarded-for": `198.51.100.${i}` }),
      );
      const owner = await gw.login(PASSWORD, PROXY, {
        "x-forwarded-for": "192.0.2.10",
        cookie: `${DEVICE_COOKIE}=${device}`,
      });
      const more = Array.from(
        { length: 50 },
        (_, i) => gw.login(`more-${i}`, PROXY, { "x-forwarded-for": `198.51.100.${i}` }),
      );
      const counted = await statuses([...await Promise.all(attack), ...await Promise.all(more)]);
      assert.equal(counted[401], 20, "the attack got the account cap of guesses");
      assert.equal(counted[429], 230);

      assert.equal(owner.status, 303, "the owner is in");
      assert.equal(owner.headers.get("location"), "/admin");
      assert.ok(cookieValue(owner, "oms_admin"), "with a session");

      // Even from an address the attacker used (e.g. one shared proxy address), the owner's browser gets in.
      const shared = await gw.login(PASSWORD, PROXY, {
        "x-forwarded-for": "198.51.100.1",
        cookie: `${DEVICE_COOKIE}=${device}`,
      });
      assert.equal(shared.status, 303);

      // A browser that never logged in cannot be told from the attacker: it is told when to come back.
      const stranger = await gw.login(PASSWORD, PROXY, { "x-forwarded-for": "192.0.2.99" });
      assert.equal(stranger.status, 429);
      assert.ok(Number(stranger.headers.get("retry-after")) > 0);
      assert.match(await stranger.text(), /Too many failed logins\. Try again in \d+ minutes?\./);

      // A forged device cookie is no device.
      const forged = await gw.login(PASSWORD, PROXY, {
        "x-forwarded-for": "192.0.2.98",
        cookie: `${DEVICE_COOKIE}=${device!.slice(0, -2)}AA`,
      });
      assert.equal(forged.status, 429);
    } finally {
      await gw.close();
    }
  },
);

Deno.test(
  "over HTTPS (an https PUBLIC_URL, or a trusted proxy's X-Forwarded-Proto) every cookie is Secure and HSTS is sent",
  opts,
  async () => {
    const cases: {
      name: string;
      options: AppOptions;
      peer: string;
      headers: Record<string, string>;
      tls: boolean;
    }[] = [
      { name: "plain http", options: {}, peer: "192.0.2.1", headers: {}, tls: false },
      {
        name: "https PUBLIC_URL",
        options: { publicUrl: "https://shop.example" },
        peer: "192.0.2.1",
        headers: {},
        tls: true,
      },
      {
        name: "trusted proxy says https",
        options: { trustedProxies: [PROXY] },
        peer: PROXY,
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.1" },
        tls: true,
      },
      {
        name: "untrusted peer says https",
        options: {},
        peer: "192.0.2.1",
        headers: { "x-forwarded-proto": "https" },
        tls: false,
      },
    ];
    const sys = await startSystem({ admin: { password: PASSWORD } });
    try {
      for (const { name, options, peer, headers, tls } of cases) {
        const gw = await gatewayOver(sys, options);
        {
          const page = await gw.app.request("/admin/login", { headers }, { remoteAddr: { hostname: peer } });
          assert.equal(page.status, 200, name);
          const res = await gw.login(PASSWORD, peer, headers);
          assert.equal(res.status, 303, name);
          const cookies = [...page.headers.getSetCookie(), ...res.headers.getSetCookie()];
          assert.deepEqual(
            [...new Set(cookies.map((c) => c.slice(0, c.indexOf("="))))].sort(),
            ["oms_admin", DEVICE_COOKIE, "oms_customer"].sort(),
            name,
          );
          for (const cookie of cookies) assert.equal(/; Secure(;|$)/.test(cookie), tls, `${name}: ${cookie}`);
          for (const r of [page, res]) {
            assert.equal(r.headers.get("strict-transport-security"), tls ? "max-age=31536000" : null, name);
          }
          await page.body?.cancel();
        }
      }
    } finally {
      await sys.stop();
    }
  },
);

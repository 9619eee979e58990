import assert from "node:assert/strict";
import type { StaffClaim } from "../common/auth/staff_claim.ts";
import type { DomainError } from "../common/domain_error.ts";
import { createLogger } from "../common/log.ts";
import { StaffApp, type StaffAppOptions } from "./app.ts";
import { accountKey, sessionKey } from "./store.ts";
import type { Account } from "./domain/account.ts";

const CHEAP = { n: 1024, r: 8, p: 1 };
const log = createLogger("test", "error");

async function withApp(
  fn: (app: StaffApp, kv: Deno.Kv, clock: { now: number }) => Promise<void>,
  opts: Partial<StaffAppOptions> = {},
) {
  const kv = await Deno.openKv(":memory:");
  const clock = { now: 1_000_000 };
  try {
    await fn(new StaffApp({ kv, log, scrypt: CHEAP, now: () => clock.now, ...opts }), kv, clock);
  } finally {
    kv.close();
  }
}

const claim = (sub: string, role: StaffClaim["role"] = "owner"): StaffClaim => ({ sub, role, exp: 2e9 });
const attempt = (name: string, password: string, address = "10.0.0.1", device = "") => ({
  name,
  password,
  address,
  device,
});

Deno.test("the first owner is made once; a restart with another password never overwrites it", async () => {
  await withApp(async (app, kv) => {
    assert.deepEqual(await app.ensureOwner("admin", ""), { created: false, ownerExists: false });
    await assert.rejects(app.ensureOwner("admin", "short"), /at least 12/);
    assert.deepEqual(await app.ensureOwner("admin", "first-password-1"), {
      created: true,
      ownerExists: true,
    });
    const stored = (await kv.get<Account>(accountKey("admin"))).value!;
    assert.equal(stored.role, "owner");
    assert.equal(stored.password.alg, "scrypt");
    assert.ok(!JSON.stringify(stored).includes("first-password-1"), "no plain password is stored");
    assert.deepEqual(await app.ensureOwner("admin", "second-password-2"), {
      created: false,
      ownerExists: true,
    });
    assert.deepEqual(await app.ensureOwner("someone-else", "third-password-3"), {
      created: false,
      ownerExists: true,
    });
    assert.equal((await app.login(attempt("admin", "first-password-1"))).kind, "ok");
    assert.equal((await app.login(attempt("admin", "second-password-2"))).kind, "wrong");
  });
});

Deno.test("a login starts a session stored under the SHA-256 of its id; logout ends it at once", async () => {
  await withApp(async (app, kv) => {
    await app.ensureOwner("Admin", "first-password-1");
    const r = await app.login(attempt("admin", "first-password-1"));
    assert.equal(r.kind, "ok");
    if (r.kind !== "ok") return;
    assert.match(r.sessionId, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual({ name: r.session.name, role: r.session.role }, { name: "Admin", role: "owner" });
    assert.equal((await kv.get(sessionKey(r.sessionId))).value, null, "the raw id is not a key");
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(r.sessionId)),
    );
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    assert.ok((await kv.get(sessionKey(hex))).value, "stored under its hash");
    assert.equal((await app.getSession(r.sessionId))?.csrf, r.session.csrf);
    await app.logout(r.sessionId);
    assert.equal(await app.getSession(r.sessionId), null);
  });
});

Deno.test("sessions end after the idle timeout and after the absolute lifetime", async () => {
  await withApp(async (app, _kv, clock) => {
    await app.ensureOwner("admin", "first-password-1");
    const a = await app.login(attempt("admin", "first-password-1"));
    assert.equal(a.kind, "ok");
    if (a.kind !== "ok") return;
    clock.now += 50_000;
    assert.ok(await app.getSession(a.sessionId), "active within the idle time");
    clock.now += 50_000; // 100 s since the last touch written at 50 s? touchMs 1 s: it was written
    assert.ok(await app.getSession(a.sessionId));
    clock.now += 61_000;
    assert.equal(await app.getSession(a.sessionId), null, "idle for over a minute");
    const b = await app.login(attempt("admin", "first-password-1"));
    if (b.kind !== "ok") throw new Error("login failed");
    for (let i = 0; i < 5; i++) {
      clock.now += 50_000;
      if (i < 3) assert.ok(await app.getSession(b.sessionId));
    }
    assert.equal(await app.getSession(b.sessionId), null, "past the absolute lifetime");
  }, { sessions: { idleMs: 60_000, ttlMs: 200_000, touchMs: 1000 } });
});

Deno.test("wrong name and wrong password look the same; a disabled account cannot log in", async () => {
  await withApp(async (app) => {
    await app.ensureOwner("admin", "first-password-1");
    assert.deepEqual(await app.login(attempt("nobody", "first-password-1")), { kind: "wrong" });
    assert.deepEqual(await app.login(attempt("admin", "wrong-password-1")), { kind: "wrong" });
    await app.create(claim("admin"), { name: "cook", role: "kitchen", password: "cook-password-1" });
    await app.create(claim("admin"), { name: "boss2", role: "owner", password: "boss-password-1" });
    const cook = await app.login(attempt("cook", "cook-password-1"));
    assert.equal(cook.kind, "ok");
    await app.update(claim("admin"), "cook", { disabled: true });
    assert.deepEqual(await app.login(attempt("cook", "cook-password-1")), { kind: "wrong" });
    if (cook.kind === "ok") {
      assert.equal(await app.getSession(cook.sessionId), null, "disabling ends sessions");
    }
  });
});

Deno.test("only an active owner manages accounts; a role change applies to live sessions at once", async () => {
  await withApp(async (app) => {
    await app.ensureOwner("admin", "first-password-1");
    await app.create(claim("admin"), { name: "mgr", role: "manager", password: "mgr-password-12" });
    for (
      const call of [
        () => app.list(claim("mgr", "owner")), // a forged role in the claim does not help: the stored one counts
        () => app.create(claim("mgr"), { name: "x", role: "kitchen", password: "xxxxxxxxxxxxx" }),
        () => app.update(claim("mgr"), "admin", { disabled: true }),
        () => app.setPassword(claim("mgr"), "admin", "hijacked-password"),
      ]
    ) {
      await assert.rejects(call(), (e: DomainError) => e.code === "permission_denied");
    }
    const s = await app.login(attempt("mgr", "mgr-password-12"));
    if (s.kind !== "ok") throw new Error("login failed");
    await app.update(claim("admin"), "MGR", { role: "kitchen" });
    assert.equal((await app.getSession(s.sessionId))?.role, "kitchen");
    await assert.rejects(
      app.create(claim("admin"), { name: "Mgr", role: "kitchen", password: "another-pass-1" }),
      (e: DomainError) => e.code === "already_exists",
    );
    await assert.rejects(app.update(claim("admin"), "admin", { role: "manager" }), /last active owner/);
  });
});

Deno.test("a reset password ends the member's sessions; changing your own keeps this session only", async () => {
  await withApp(async (app) => {
    await app.ensureOwner("admin", "first-password-1");
    await app.create(claim("admin"), { name: "cook", role: "kitchen", password: "cook-password-1" });
    const one = await app.login(attempt("cook", "cook-password-1"));
    const two = await app.login(attempt("cook", "cook-password-1"));
    if (one.kind !== "ok" || two.kind !== "ok") throw new Error("login failed");
    await assert.rejects(
      app.changeOwnPassword(claim("cook", "kitchen"), "not-the-password", "cook-password-2", one.sessionId),
      /current password is wrong/,
    );
    await assert.rejects(
      app.changeOwnPassword(claim("cook", "kitchen"), "cook-password-1", "short", one.sessionId),
      /at least 12/,
    );
    await app.changeOwnPassword(
      claim("cook", "kitchen"),
      "cook-password-1",
      "cook-password-2",
      one.sessionId,
    );
    assert.ok(await app.getSession(one.sessionId));
    assert.equal(await app.getSession(two.sessionId), null);
    assert.equal((await app.login(attempt("cook", "cook-password-1"))).kind, "wrong");
    await app.setPassword(claim("admin"), "cook", "cook-password-3");
    assert.equal(await app.getSession(one.sessionId), null);
    assert.equal((await app.login(attempt("cook", "cook-password-3"))).kind, "ok");
  });
});

Deno.test("the throttle refuses at once past the address limit; a known device still gets in", async () => {
  await withApp(async (app) => {
    await app.ensureOwner("admin", "first-password-1");
    for (let i = 0; i < 3; i++) {
      assert.equal((await app.login(attempt("admin", `guess-number-${i}`))).kind, "wrong");
    }
    const t = performance.now();
    const refused = await app.login(attempt("admin", "first-password-1"));
    assert.equal(refused.kind, "limited", "even the right password is not checked");
    if (refused.kind === "limited") {
      assert.equal(refused.scope, "address");
      assert.ok(refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= 60);
    }
    assert.ok(performance.now() - t < 200, "answered at once");
    assert.equal((await app.login(attempt("admin", "first-password-1", "10.0.0.1", "device-1"))).kind, "ok");
    assert.equal(
      (await app.login(attempt("admin", "first-password-1", "10.0.0.2"))).kind,
      "ok",
      "other address",
    );
  }, { limits: { windowMs: 60_000, address: 3 } });
});

Deno.test("parallel attempts cannot slip past a limit (each takes its place before its password is checked)", async () => {
  await withApp(async (app) => {
    await app.ensureOwner("admin", "first-password-1");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => app.login(attempt("admin", `parallel-guess-${i}`))),
    );
    assert.equal(results.filter((r) => r.kind === "wrong").length, 3);
    assert.equal(results.filter((r) => r.kind === "limited").length, 5);
  }, { limits: { windowMs: 60_000, address: 3 } });
});

Deno.test("raised scrypt parameters: an older hash still logs in and is replaced by one with the new parameters", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const before = new StaffApp({ kv, log, scrypt: CHEAP });
    await before.ensureOwner("admin", "first-password-1");
    assert.equal((await kv.get<Account>(accountKey("admin"))).value!.password.n, CHEAP.n);
    const raised = { n: 2048, r: 8, p: 1 };
    const after = new StaffApp({ kv, log, scrypt: raised });
    assert.equal((await after.login(attempt("admin", "first-password-1"))).kind, "ok");
    const stored = (await kv.get<Account>(accountKey("admin"))).value!;
    assert.equal(stored.password.n, raised.n, "rehashed at login");
    assert.equal((await after.login(attempt("admin", "first-password-1"))).kind, "ok");
    assert.equal((await after.login(attempt("admin", "wrong-password-1"))).kind, "wrong");
  } finally {
    kv.close();
  }
});

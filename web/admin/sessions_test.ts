import assert from "node:assert/strict";
import { SessionStore } from "./sessions.ts";

Deno.test("a session is found by its id until logout, with its own CSRF token", () => {
  const store = new SessionStore();
  const a = store.create();
  const b = store.create();
  assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.csrf, b.csrf);
  assert.equal(store.get(a.id), a);
  store.destroy(a.id);
  assert.equal(store.get(a.id), null);
  assert.equal(store.get(b.id), b);
  assert.equal(store.get("not an id"), null);
  assert.equal(store.get(null), null);
});

Deno.test("sessions expire after their lifetime and after being idle too long", () => {
  let now = 1_000_000;
  const store = new SessionStore({ ttlMs: 10_000, idleMs: 3_000, now: () => now });
  const s = store.create();
  for (let i = 0; i < 3; i++) {
    now += 2_500;
    assert.equal(store.get(s.id), s, "still active");
  }
  now += 3_000;
  assert.equal(store.get(s.id), null, "idle too long");
  const t = store.create();
  for (let i = 0; i < 4; i++) {
    now += 2_500;
    store.get(t.id);
  }
  assert.equal(store.get(t.id), null, "past its lifetime although active");
  assert.equal(store.maxAgeSeconds, 10);
});

Deno.test("the store keeps at most max sessions, dropping the least recently used", () => {
  const store = new SessionStore({ max: 2 });
  const a = store.create();
  const b = store.create();
  store.get(a.id);
  const c = store.create();
  assert.equal(store.size, 2);
  assert.equal(store.get(b.id), null);
  assert.equal(store.get(a.id), a);
  assert.equal(store.get(c.id), c);
});

Deno.test("a flash message is taken once", () => {
  const store = new SessionStore();
  const s = store.create();
  store.flash(s, { kind: "success", text: "Done." });
  assert.deepEqual(store.takeFlash(s), { kind: "success", text: "Done." });
  assert.equal(store.takeFlash(s), null);
});

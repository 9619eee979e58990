import assert from "node:assert/strict";
import { createLogger } from "../../services/common/log.ts";
import { createGateway } from "../gateway/mod.ts";
import { depsWithoutServices, startSystem } from "../testing.ts";
import { ensureFirstOwner, keepEnsuringFirstOwner } from "./bootstrap.ts";
import { createAdmin } from "./runtime.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const log = createLogger("test", "error");

Deno.test(
  "with orders down the first owner is not known yet: the attempt says so and keeps trying until stopped",
  opts,
  async () => {
    const { deps, close } = depsWithoutServices();
    try {
      const admin = createAdmin({ password: "first-owner-password" });
      const staff = createGateway(deps.clients, () => ({ timeoutMs: 300 })).staff;
      assert.equal(await ensureFirstOwner(admin, staff, log), false);
      assert.equal(admin.ownerExists, null);
      const stop = new AbortController();
      const running = keepEnsuringFirstOwner(admin, () => staff, log, stop.signal);
      setTimeout(() => stop.abort(), 200);
      await running;
      assert.equal(admin.ownerExists, null);
    } finally {
      close();
    }
  },
);

Deno.test(
  "the first owner is made once orders answers; a too short ADMIN_PASSWORD is reported, not retried",
  opts,
  async () => {
    const sys = await startSystem({ admin: { password: null } });
    try {
      const staff = createGateway(sys.deps.clients, () => ({ timeoutMs: 3000 })).staff;
      const none = createAdmin({ password: null });
      assert.equal(await ensureFirstOwner(none, staff, log), true);
      assert.equal(none.ownerExists, false, "no owner, and no password to make one");
      const short = createAdmin({ password: "too-short" });
      assert.equal(await ensureFirstOwner(short, staff, log), true, "final: retrying cannot help");
      assert.equal(short.ownerExists, false);
      const good = createAdmin({ user: "boss", password: "a-long-enough-one" });
      await keepEnsuringFirstOwner(good, () => staff, log, new AbortController().signal);
      assert.equal(good.ownerExists, true);
      const login = await staff.login({
        name: "boss",
        password: "a-long-enough-one",
        address: "127.0.0.1",
        deviceId: "",
      });
      assert.equal(login.kind, "ok");
    } finally {
      await sys.stop();
    }
  },
);

/**
 * Staff sessions and the login throttle across real processes: the staff store lives in the orders
 * process, so a session survives a web restart, two web processes (replicas) share sessions, flash
 * messages and known devices, and the login throttle counts attempts made through either; a restart
 * with another `ADMIN_PASSWORD` never overwrites the first owner's password.
 */
import assert from "node:assert/strict";
import { credentials, type ServiceError, status as GrpcStatus } from "@grpc/grpc-js";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { StaffServiceClient } from "../services/common/gen/oms/staff/v1/staff.ts";
import { addStaff } from "./staff_accounts.ts";
import { startSystem } from "./system.ts";

const OWNER = { name: "admin", password: "test-admin-password" };

/** A browser of one web process: keeps cookies, never follows redirects. */
function browser(baseUrl: string, jar = new Map<string, string>()) {
  const b = {
    jar,
    base: baseUrl,
    async fetch(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await fetch(`${b.base}${path}`, { ...init, headers, redirect: "manual" });
      for (const set of res.headers.getSetCookie()) {
        const [pair = ""] = set.split(";");
        const at = pair.indexOf("=");
        if (/Max-Age=0/i.test(set)) jar.delete(pair.slice(0, at));
        else jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return res;
    },
    post(path: string, fields: Record<string, string>): Promise<Response> {
      return b.fetch(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    },
    async login(name: string, password: string): Promise<Response> {
      const res = await b.post("/admin/login", { name, password });
      await res.body?.cancel();
      return res;
    },
    async csrf(path = "/admin/account"): Promise<string> {
      const html = await (await b.fetch(path)).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(token, `a CSRF token on ${path}`);
      return token;
    },
  };
  return b;
}

/** The gRPC status code a call failed with (OK when it did not). */
async function codeOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return GrpcStatus.OK;
  } catch (err) {
    return (err as { cause?: Partial<ServiceError> }).cause?.code ?? -1;
  }
}

Deno.test("the staff service answers on orders' port, only with the service credential, and accounts only to an owner's claim", async () => {
  const sys = await startSystem({ without: ["payments", "kitchen", "web"] });
  const addr = `127.0.0.1:${sys.ports.orders}`;
  const raw = new StaffServiceClient(addr, credentials.createInsecure());
  const service = connect(StaffServiceClient, addr, sys.serviceToken);
  try {
    assert.equal(await codeOf(rpc(raw, "getSession", { sessionId: "x" })), GrpcStatus.UNAUTHENTICATED);
    assert.equal(await codeOf(rpc(service, "getSession", { sessionId: "x" })), GrpcStatus.NOT_FOUND);
    assert.equal(await codeOf(rpc(service, "listStaff", {})), GrpcStatus.PERMISSION_DENIED, "no staff claim");
  } finally {
    raw.close();
    service.close();
    await sys.stop();
  }
});

/** The same cookies, sent to another web process. */
function sameBrowserOn(url: string, other: ReturnType<typeof browser>) {
  return browser(url, other.jar);
}

Deno.test(
  "sessions survive a web restart, two web processes share sessions and flashes, and the login throttle holds across both",
  async () => {
    const sys = await startSystem({ without: ["payments", "kitchen"] });
    try {
      const replica = await sys.webReplica();
      const onA = browser(sys.url);
      const login = await onA.login(OWNER.name, OWNER.password);
      assert.equal(login.status, 303);
      assert.ok(onA.jar.get("oms_admin"), "a session cookie");
      const device = onA.jar.get("oms_admin_device");
      assert.ok(device, "a device cookie");

      // the other process knows the session
      const onB = sameBrowserOn(replica.url, onA);
      const dash = await onB.fetch("/admin/account");
      assert.equal(dash.status, 200);
      assert.match(await dash.text(), /Signed in as <strong>admin<\/strong> \(owner\)/);

      // a flash left by a post on A shows on the next page served by B
      const made = await onA.post("/admin/staff", {
        _csrf: await onA.csrf("/admin/staff"),
        action: "create",
        name: "cook",
        role: "kitchen",
        password: "cook-password-12",
      });
      assert.equal(made.status, 303);
      await made.body?.cancel();
      const shown = await (await onB.fetch("/admin/staff")).text();
      assert.match(shown, /data-testid="flash" data-kind="success">Added cook \(kitchen\)\./);
      assert.doesNotMatch(
        await (await onA.fetch("/admin/staff")).text(),
        /data-testid="flash"/,
        "shown once",
      );

      // a web restart keeps the session
      await sys.procs.web.stop("SIGTERM");
      await sys.start("web");
      const after = await onA.fetch("/admin/account");
      assert.equal(after.status, 200, "still signed in after the restart");
      await after.body?.cancel();

      // logout on B ends the session on A at once
      const copied = onA.jar.get("oms_admin")!;
      const out = await onB.post("/admin/logout", { _csrf: await onB.csrf() });
      assert.equal(out.status, 303);
      await out.body?.cancel();
      const gone = await browser(sys.url, new Map([["oms_admin", copied]])).fetch("/admin/account");
      assert.equal(gone.status, 303, "the copied cookie no longer works on A");
      await gone.body?.cancel();

      // an account one process adds signs in through the other
      const maria = await addStaff(sys.url, "maria", "manager");
      const asMaria = browser(replica.url);
      assert.equal((await asMaria.login(maria.name, maria.password)).status, 303);
      assert.equal((await asMaria.fetch("/admin/staff")).status, 403, "a manager manages no accounts");

      // 10 failures from this address (the limit), half through each process ...
      const stranger = (url: string) => browser(url);
      for (let i = 0; i < 10; i++) {
        const res = await stranger(i % 2 ? replica.url : sys.url).login("cook", `guess-number-${i}`);
        assert.equal(res.status, 401, `guess ${i}`);
      }
      // ... and both refuse at once, even the right password, with Retry-After
      for (const url of [sys.url, replica.url]) {
        const t = performance.now();
        const res = await stranger(url).login("cook", "cook-password-12");
        assert.equal(res.status, 429, url);
        assert.ok(Number(res.headers.get("retry-after")) > 0);
        assert.ok(performance.now() - t < 1000, "answered at once");
      }
      // a browser that logged in before (device cookie issued by A) still gets in, through B
      const known = browser(replica.url, new Map([["oms_admin_device", device]]));
      assert.equal((await known.login(OWNER.name, OWNER.password)).status, 303);
      await replica.stop();

      // a restart with another ADMIN_PASSWORD never overwrites the first owner's password
      await sys.procs.web.stop("SIGTERM");
      await sys.start("web", { ADMIN_PASSWORD: "a-different-password-now" });
      const withDevice = () => browser(sys.url, new Map([["oms_admin_device", device]]));
      assert.equal((await withDevice().login(OWNER.name, "a-different-password-now")).status, 401);
      assert.equal((await withDevice().login(OWNER.name, OWNER.password)).status, 303);
    } finally {
      await sys.stop();
    }
  },
);

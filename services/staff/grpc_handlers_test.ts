import assert from "node:assert/strict";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";
import { createLogger } from "../common/log.ts";
import { LoginOutcome, StaffRole } from "../common/gen/oms/staff/v1/staff.ts";
import { StaffApp } from "./app.ts";
import { staffServer } from "./grpc_handlers.ts";

const log = createLogger("test", "error");

/** Calls a unary handler the way grpc-js does; resolves with the answer or the failure. */
function call<Res>(
  handler: unknown,
  request: unknown,
  metadata = new Metadata(),
): Promise<{ res?: Res; err?: Partial<ServiceError> }> {
  return new Promise((resolve) =>
    (handler as (c: unknown, cb: (e: Partial<ServiceError> | null, r?: Res) => void) => void)(
      { request, metadata },
      (err, res) => resolve(err ? { err } : { res: res as Res }),
    )
  );
}

Deno.test("account calls need a staff claim of an active owner; login and sessions map to proto", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const claims = new StaffClaims(TEST_SERVICE_TOKEN);
    const app = new StaffApp({ kv, log, scrypt: { n: 1024, r: 8, p: 1 } });
    const server = staffServer({ app, staffClaims: claims, log });
    assert.deepEqual((await call(server.ensureOwner, { name: "boss", password: "boss-password-1" })).res, {
      created: true,
      ownerExists: true,
    });

    const none = await call(server.listStaff, {});
    assert.equal(none.err?.code, status.PERMISSION_DENIED, "no claim");
    const asOwner = claims.attach(new Metadata(), { sub: "boss", role: "owner" });
    const created = await call<{ member: { name: string; role: StaffRole } }>(server.createStaff, {
      name: "cook",
      role: StaffRole.STAFF_ROLE_KITCHEN,
      password: "cook-password-1",
    }, asOwner);
    assert.deepEqual(
      { name: created.res?.member.name, role: created.res?.member.role },
      { name: "cook", role: StaffRole.STAFF_ROLE_KITCHEN },
    );
    const asCook = claims.attach(new Metadata(), { sub: "cook", role: "owner" }); // a role the store does not back
    assert.equal((await call(server.listStaff, {}, asCook)).err?.code, status.PERMISSION_DENIED);
    const badRole = await call(
      server.createStaff,
      { name: "x1", role: 99, password: "xxxxxxxxxxxxxx" },
      asOwner,
    );
    assert.equal(badRole.err?.code, status.INVALID_ARGUMENT);

    const ok = await call<{ outcome: LoginOutcome; sessionId: string; session: { role: StaffRole } }>(
      server.login,
      { name: "cook", password: "cook-password-1", address: "10.0.0.1", deviceId: "" },
    );
    assert.equal(ok.res?.outcome, LoginOutcome.LOGIN_OUTCOME_OK);
    assert.equal(ok.res?.session.role, StaffRole.STAFF_ROLE_KITCHEN);
    const wrong = await call<{ outcome: LoginOutcome; sessionId: string }>(server.login, {
      name: "cook",
      password: "nope-nope-nope",
      address: "10.0.0.1",
      deviceId: "",
    });
    assert.deepEqual([wrong.res?.outcome, wrong.res?.sessionId], [LoginOutcome.LOGIN_OUTCOME_WRONG, ""]);
    const got = await call<{ session: { name: string } }>(server.getSession, {
      sessionId: ok.res!.sessionId,
    });
    assert.equal(got.res?.session.name, "cook");
    await call(server.logout, { sessionId: ok.res!.sessionId });
    assert.equal(
      (await call(server.getSession, { sessionId: ok.res!.sessionId })).err?.code,
      status.NOT_FOUND,
    );
  } finally {
    kv.close();
  }
});

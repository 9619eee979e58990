/**
 * The `oms.staff.v1.StaffService` adapter: proto in and out, who the caller is, one use case per call.
 * EnsureOwner, Login, GetSession and Logout are web's own calls (the service credential, checked for
 * every call by the server, is enough: nobody is signed in yet); the account calls need a valid staff
 * claim (PERMISSION_DENIED without one), and the use cases then check the caller's stored role.
 *
 * @module
 */
import type { ServerUnaryCall } from "@grpc/grpc-js";
import { requireStaff } from "../common/auth/require_staff.ts";
import type { StaffClaim, StaffClaims } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import {
  LoginOutcome,
  type Session,
  type StaffMember,
  StaffRole as RoleEnum,
  type StaffServiceServer,
} from "../common/gen/oms/staff/v1/staff.ts";
import type { SessionView, StaffApp } from "./app.ts";
import type { Account, StaffRole } from "./domain/account.ts";

/** What the adapter needs. */
export interface StaffServerDeps {
  app: StaffApp;
  /** Verifies the staff claims web signs. */
  staffClaims: StaffClaims;
  log: Logger;
}

const TO_PROTO: Record<StaffRole, RoleEnum> = {
  owner: RoleEnum.STAFF_ROLE_OWNER,
  manager: RoleEnum.STAFF_ROLE_MANAGER,
  kitchen: RoleEnum.STAFF_ROLE_KITCHEN,
};

/** A role as proto. */
export function roleToProto(role: StaffRole): RoleEnum {
  return TO_PROTO[role];
}

/** A proto role as a domain role, or `invalid_argument` (field `role`). */
export function roleFromProto(role: RoleEnum): StaffRole {
  const found = (Object.keys(TO_PROTO) as StaffRole[]).find((r) => TO_PROTO[r] === role);
  if (!found) {
    throw new DomainError("invalid_argument", `Role ${role} is not a staff role`, { field: "role" });
  }
  return found;
}

function memberToProto(a: Account): StaffMember {
  return {
    name: a.name,
    role: roleToProto(a.role),
    disabled: a.disabled,
    createdAt: new Date(a.createdAt),
    passwordChangedAt: new Date(a.passwordChangedAt),
    createdBy: a.createdBy,
  };
}

function sessionToProto(s: SessionView): Session {
  return {
    name: s.name,
    role: roleToProto(s.role),
    csrf: s.csrf,
    createdAt: new Date(s.createdAt),
    expiresAt: new Date(s.expiresAt),
  };
}

/** The gRPC implementation of `oms.staff.v1.StaffService` over the use cases. */
export function staffServer({ app, staffClaims, log }: StaffServerDeps): StaffServiceServer {
  const staff = (call: ServerUnaryCall<unknown, unknown>, what: string): StaffClaim =>
    requireStaff(staffClaims, call.metadata, what);
  return {
    ensureOwner: unary(log, async (req) => await app.ensureOwner(req.name, req.password)),
    login: unary(log, async (req) => {
      const r = await app.login({
        name: req.name,
        password: req.password,
        address: req.address,
        device: req.deviceId,
      });
      const none = {
        retryAfterSeconds: 0,
        limitScope: "",
        sessionId: "",
        session: undefined,
        maxAgeSeconds: 0,
      };
      switch (r.kind) {
        case "ok":
          return {
            ...none,
            outcome: LoginOutcome.LOGIN_OUTCOME_OK,
            sessionId: r.sessionId,
            session: sessionToProto(r.session),
            maxAgeSeconds: r.maxAgeSeconds,
          };
        case "wrong":
          return { ...none, outcome: LoginOutcome.LOGIN_OUTCOME_WRONG };
        case "limited":
          return {
            ...none,
            outcome: LoginOutcome.LOGIN_OUTCOME_LIMITED,
            retryAfterSeconds: r.retryAfterSeconds,
            limitScope: r.scope,
          };
      }
    }),
    getSession: unary(log, async (req) => {
      const s = await app.getSession(req.sessionId);
      if (!s) throw new DomainError("not_found", "No live session with this id");
      return { session: sessionToProto(s) };
    }),
    logout: unary(log, async (req) => {
      await app.logout(req.sessionId);
      return {};
    }),
    listStaff: unary(log, async (_req, call) => {
      const all = await app.list(staff(call, "Listing staff"));
      return { staff: all.map(memberToProto) };
    }),
    createStaff: unary(log, async (req, call) => {
      const who = staff(call, "Adding staff");
      const a = await app.create(who, {
        name: req.name,
        role: roleFromProto(req.role),
        password: req.password,
      });
      return { member: memberToProto(a) };
    }),
    updateStaff: unary(log, async (req, call) => {
      const who = staff(call, "Changing staff accounts");
      const a = await app.update(who, req.name, {
        ...(req.role === undefined ? {} : { role: roleFromProto(req.role) }),
        ...(req.disabled === undefined ? {} : { disabled: req.disabled }),
      });
      return { member: memberToProto(a) };
    }),
    setPassword: unary(log, async (req, call) => {
      await app.setPassword(staff(call, "Resetting a password"), req.name, req.password);
      return {};
    }),
    changeOwnPassword: unary(log, async (req, call) => {
      const who = staff(call, "Changing a password");
      await app.changeOwnPassword(who, req.currentPassword, req.newPassword, req.sessionId);
      return {};
    }),
  };
}

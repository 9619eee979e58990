/**
 * The staff facade: accounts, sessions and the login throttle, held by the staff module the orders
 * process hosts (`services/staff/`), so every web replica shares them. Its client rides on the orders
 * client's channel (same address, discovered or static, and the same service credential).
 *
 * `login`, `session`, `logout` and `ensureOwner` are web's own calls; the account calls rely on the
 * request's signed staff claim (the service checks that the caller is an active owner, or, for
 * `changeOwnPassword`, who they are).
 *
 * @module
 */
import {
  LoginOutcome,
  type Session,
  type StaffMember,
  StaffRole as RoleEnum,
  StaffServiceClient,
} from "../../services/common/gen/oms/staff/v1/staff.ts";
import type { StaffRole } from "../../services/common/auth/staff_claim.ts";
import { connectOnChannelOf } from "../../services/common/grpc_client.ts";
import { ApiError } from "../api/api_error.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";
import type { Clients } from "./clients.ts";

/** A live session as web uses it. */
export interface StaffSession {
  /** The account's name. */
  name: string;
  /** Its role now. */
  role: StaffRole;
  /** The session's CSRF token. */
  csrf: string;
  /** When it began (ms since the epoch). */
  createdAt: number;
}

/** A member of staff as the staff page lists them. */
export interface StaffMemberView {
  name: string;
  role: StaffRole;
  disabled: boolean;
  /** When the account was made (ms since the epoch). */
  createdAt: number;
  /** Who made it ("" for the first owner). */
  createdBy: string;
}

/** What a login came to. */
export type StaffLogin =
  | { kind: "ok"; sessionId: string; session: StaffSession; maxAgeSeconds: number }
  | { kind: "wrong" }
  | { kind: "limited"; scope: string; retryAfterSeconds: number };

const ROLES: Record<StaffRole, RoleEnum> = {
  owner: RoleEnum.STAFF_ROLE_OWNER,
  manager: RoleEnum.STAFF_ROLE_MANAGER,
  kitchen: RoleEnum.STAFF_ROLE_KITCHEN,
};

function roleOf(role: RoleEnum): StaffRole {
  const found = (Object.keys(ROLES) as StaffRole[]).find((r) => ROLES[r] === role);
  if (!found) throw new ApiError(500, "internal", `Unknown staff role ${role} from the staff service`);
  return found;
}

function sessionOf(s: Session): StaffSession {
  return { name: s.name, role: roleOf(s.role), csrf: s.csrf, createdAt: s.createdAt?.getTime() ?? 0 };
}

function memberOf(m: StaffMember): StaffMemberView {
  return {
    name: m.name,
    role: roleOf(m.role),
    disabled: m.disabled,
    createdAt: m.createdAt?.getTime() ?? 0,
    createdBy: m.createdBy,
  };
}

const made = new WeakMap<Clients, StaffServiceClient>();

/** The staff client of `clients`: on the orders client's channel (made once per set of clients). */
export function staffClientOf(clients: Clients): StaffServiceClient {
  let client = made.get(clients);
  if (!client) {
    client = connectOnChannelOf(StaffServiceClient, clients.orders);
    made.set(clients, client);
  }
  return client;
}

/** The staff service, for one request. */
export class StaffGateway {
  readonly #call: Caller<StaffServiceClient>;

  /** A facade over the staff service on `clients`' orders channel, with the options from `opts`. */
  constructor(clients: Clients, opts: CallOptsSource) {
    this.#call = caller("orders", staffClientOf(clients), opts);
  }

  /** Creates the first owner unless an active owner exists (never changes an account). */
  async ensureOwner(name: string, password: string): Promise<{ created: boolean; ownerExists: boolean }> {
    return await this.#call("ensureOwner", { name, password });
  }

  /** Checks a name and password under the shared throttle; starts a session when right. */
  async login(
    input: { name: string; password: string; address: string; deviceId: string },
  ): Promise<StaffLogin> {
    const r = await this.#call("login", input);
    switch (r.outcome) {
      case LoginOutcome.LOGIN_OUTCOME_OK:
        return {
          kind: "ok",
          sessionId: r.sessionId,
          session: sessionOf(present(r.session, "session")),
          maxAgeSeconds: r.maxAgeSeconds,
        };
      case LoginOutcome.LOGIN_OUTCOME_LIMITED:
        return { kind: "limited", scope: r.limitScope, retryAfterSeconds: Math.max(1, r.retryAfterSeconds) };
      default:
        return { kind: "wrong" };
    }
  }

  /** The live session `sessionId` (its idle timeout restarts), or null. */
  async session(sessionId: string): Promise<StaffSession | null> {
    try {
      return sessionOf(present((await this.#call("getSession", { sessionId })).session, "session"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** Ends session `sessionId` at once. */
  async logout(sessionId: string): Promise<void> {
    await this.#call("logout", { sessionId });
  }

  /** Every account, by name (owners only). */
  async list(): Promise<StaffMemberView[]> {
    return (await this.#call("listStaff", {})).staff.map(memberOf);
  }

  /** Adds an account (owners only). */
  async create(name: string, role: StaffRole, password: string): Promise<StaffMemberView> {
    return memberOf(
      present((await this.#call("createStaff", { name, role: ROLES[role], password })).member, "member"),
    );
  }

  /** Changes the role or disables/enables `name` (owners only). */
  async update(name: string, change: { role?: StaffRole; disabled?: boolean }): Promise<StaffMemberView> {
    const r = await this.#call("updateStaff", {
      name,
      role: change.role === undefined ? undefined : ROLES[change.role],
      disabled: change.disabled,
    });
    return memberOf(present(r.member, "member"));
  }

  /** Resets the password of `name` (owners only); their sessions end. */
  async setPassword(name: string, password: string): Promise<void> {
    await this.#call("setPassword", { name, password });
  }

  /** The caller changes their own password; their sessions but `keepSessionId` end. */
  async changeOwnPassword(current: string, next: string, keepSessionId: string): Promise<void> {
    await this.#call("changeOwnPassword", {
      currentPassword: current,
      newPassword: next,
      sessionId: keepSessionId,
    });
  }
}

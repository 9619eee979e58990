/**
 * The staff use cases: the first owner, logging in under the throttle, sessions, and managing
 * accounts. The only code that sequences the store's reads and commits; the rules are in `domain/`.
 * Staff has no events: each change is one atomic KV commit, re-run (bounded) on a conflict.
 *
 * Who may do what is checked here against the stored account of the caller (not only the claim's
 * role, which may be up to a minute old): managing accounts needs an active owner.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import type { StaffClaim } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
import type { Logger } from "../common/log.ts";
import {
  type Account,
  type AccountChange,
  applyChange,
  checkName,
  checkPassword,
  checkRole,
  isActiveOwner,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
  nameKey,
  type StaffRole,
} from "./domain/account.ts";
import { DEFAULT_SCRYPT, type ScryptParams, weakerThan } from "./domain/password_hash.ts";
import {
  DEFAULT_SESSION_LIMITS,
  isLive,
  keepFor,
  needsTouch,
  type SessionLimits,
  type StoredSession,
} from "./domain/session.ts";
import { DEFAULT_LIMITS, type LimitScope, type ThrottleLimits, windowsOf } from "./domain/throttle.ts";
import { hashPassword, verifyNothing, verifyPassword } from "./password.ts";
import { ThrottleWindows } from "./throttle.ts";
import {
  addAccountWrite,
  addSessionDelete,
  addSessionWrite,
  getAccount,
  getSession,
  listAccounts,
  sessionHash,
  sessionsOf,
} from "./store.ts";

/** Options of {@linkcode StaffApp}. */
export interface StaffAppOptions {
  /** The store (orders' KV). */
  kv: Deno.Kv;
  log: Logger;
  /** Login limits (defaults: {@linkcode DEFAULT_LIMITS}). */
  limits?: Partial<ThrottleLimits>;
  /** Session lifetimes (defaults: {@linkcode DEFAULT_SESSION_LIMITS}). */
  sessions?: Partial<SessionLimits>;
  /** scrypt parameters of new hashes (default {@linkcode DEFAULT_SCRYPT}; tests use cheaper ones). */
  scrypt?: ScryptParams;
  /** The clock (tests). */
  now?: () => number;
}

/** A live session, with the account's current name and role. */
export interface SessionView {
  name: string;
  role: StaffRole;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** What a login attempt came to. */
export type LoginResult =
  | { kind: "ok"; sessionId: string; session: SessionView; maxAgeSeconds: number }
  | { kind: "wrong" }
  | { kind: "limited"; scope: LimitScope; retryAfterSeconds: number };

/** A login attempt. */
export interface LoginInput {
  name: string;
  password: string;
  /** The client's address. */
  address: string;
  /** A known device's id (web verified its cookie), or "". */
  device: string;
}

const ATTEMPTS = 10;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** 32 random bytes as base64url (43 characters): session ids and CSRF tokens. */
export function randomToken(): string {
  return Buffer.from(randomBytes(32)).toString("base64url");
}

/** The staff use cases over one store. */
export class StaffApp {
  readonly #kv: Deno.Kv;
  readonly #log: Logger;
  readonly #limits: ThrottleLimits;
  readonly #sessions: SessionLimits;
  readonly #scrypt: ScryptParams;
  readonly #now: () => number;
  readonly #throttle: ThrottleWindows;

  /** Use cases over `options.kv`. */
  constructor(options: StaffAppOptions) {
    this.#kv = options.kv;
    this.#log = options.log;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#sessions = { ...DEFAULT_SESSION_LIMITS, ...options.sessions };
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    this.#now = options.now ?? Date.now;
    this.#throttle = new ThrottleWindows(this.#kv, this.#limits);
  }

  /** Runs `fn` until its commit succeeds (at most {@linkcode ATTEMPTS} times). */
  async #retry<T>(what: string, fn: () => Promise<{ ok: boolean; value: T }>): Promise<T> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const { ok, value } = await fn();
      if (ok) return value;
    }
    throw new DomainError("unavailable", `${what} kept conflicting with other changes; try again`);
  }

  /**
   * Creates `name` as an owner with `password` when no active owner exists; never changes an existing
   * account (a restart with another `ADMIN_PASSWORD` leaves the owner's password as it is). An empty
   * password only reports whether an owner exists.
   */
  async ensureOwner(name: string, password: string): Promise<{ created: boolean; ownerExists: boolean }> {
    return await this.#retry<{ created: boolean; ownerExists: boolean }>(
      "Creating the first owner",
      async () => {
        const all = await listAccounts(this.#kv);
        if (all.some((e) => isActiveOwner(e.value))) {
          return {
            ok: true,
            value: { created: false, ownerExists: true },
          };
        }
        if (password === "") return { ok: true, value: { created: false, ownerExists: false } };
        const display = checkName(name);
        checkPassword(password);
        const key = nameKey(display);
        if (all.some((e) => nameKey(e.value.name) === key)) {
          throw new DomainError(
            "already_exists",
            `No active owner exists, but the account "${display}" does and is not one: ADMIN_USER must name a new account`,
            { field: "name" },
          );
        }
        const now = this.#now();
        const account: Account = {
          name: display,
          role: "owner",
          disabled: false,
          password: await hashPassword(password, this.#scrypt),
          createdAt: now,
          passwordChangedAt: now,
          createdBy: "",
        };
        const op = this.#kv.atomic();
        // no active owner appeared meanwhile: every account read is unchanged
        for (const e of all) op.check(e);
        const res = await addAccountWrite(op, key, account, null).commit();
        if (res.ok) this.#log.info("first owner created", { name: display });
        return { ok: res.ok, value: { created: true, ownerExists: true } };
      },
    );
  }

  /** Checks `input` under the throttle; on success starts a session. Never waits for the throttle. */
  async login(input: LoginInput): Promise<LoginResult> {
    // bounded before they become throttle keys: no account name is longer, no address is this long
    const key = nameKey(input.name.slice(0, MAX_NAME_LENGTH + 1));
    const address = input.address.slice(0, 64);
    const scopes = windowsOf({ account: key, address, device: input.device.slice(0, 64) || null });
    const now = this.#now();
    const taken = await this.#throttle.take(scopes, now);
    if (taken) return { kind: "limited", ...taken };
    const entry = await getAccount(this.#kv, key);
    const account = entry.value;
    const password = input.password.slice(0, MAX_PASSWORD_LENGTH + 1);
    const right = account && !account.disabled
      ? await verifyPassword(password, account.password)
      : await verifyNothing(password, this.#scrypt);
    if (!right || !account) return { kind: "wrong" };
    await this.#throttle.giveBack(scopes, now);
    if (weakerThan(account.password, this.#scrypt)) await this.#rehash(key, password, entry.versionstamp!);
    return await this.#startSession(key, account);
  }

  /** Replaces a hash made with weaker parameters, unless the account changed since `versionstamp`. */
  async #rehash(key: string, password: string, versionstamp: string): Promise<void> {
    const hash = await hashPassword(password, this.#scrypt);
    const e = await getAccount(this.#kv, key);
    if (!e.value || e.versionstamp !== versionstamp) return; // changed meanwhile: kept until next time
    await addAccountWrite(this.#kv.atomic(), key, { ...e.value, password: hash }, versionstamp).commit();
  }

  async #startSession(key: string, account: Account): Promise<LoginResult> {
    const id = randomToken();
    const hash = await sessionHash(id);
    const now = this.#now();
    const session: StoredSession = { account: key, csrf: randomToken(), createdAt: now, seenAt: now };
    await addSessionWrite(this.#kv.atomic(), hash, session, keepFor(session, now, this.#sessions)).commit();
    this.#log.info("staff logged in", { name: account.name, role: account.role });
    return {
      kind: "ok",
      sessionId: id,
      session: this.#view(session, account),
      maxAgeSeconds: Math.floor(this.#sessions.ttlMs / 1000),
    };
  }

  #view(s: StoredSession, a: Account): SessionView {
    return {
      name: a.name,
      role: a.role,
      csrf: s.csrf,
      createdAt: s.createdAt,
      expiresAt: s.createdAt + this.#sessions.ttlMs,
    };
  }

  /**
   * The live session `id`, with its account's current name and role; null when unknown, expired, idle
   * too long, or its account is gone or disabled. Restarts the idle timeout (written at most once a
   * minute).
   */
  async getSession(id: string): Promise<SessionView | null> {
    if (!SESSION_ID.test(id)) return null;
    const hash = await sessionHash(id);
    const entry = await getSession(this.#kv, hash);
    const s = entry.value;
    if (!s) return null;
    const now = this.#now();
    const account = (await getAccount(this.#kv, s.account)).value;
    if (!isLive(s, now, this.#sessions) || !account || account.disabled) {
      await addSessionDelete(this.#kv.atomic(), s.account, hash).commit();
      return null;
    }
    if (needsTouch(s, now, this.#sessions)) {
      const touched = { ...s, seenAt: now };
      // a lost race means another request touched it: fine
      await addSessionWrite(this.#kv.atomic().check(entry), hash, touched, keepFor(s, now, this.#sessions))
        .commit();
    }
    return this.#view(s, account);
  }

  /** Ends session `id` at once. */
  async logout(id: string): Promise<void> {
    if (!SESSION_ID.test(id)) return;
    const hash = await sessionHash(id);
    const s = (await getSession(this.#kv, hash)).value;
    if (s) await addSessionDelete(this.#kv.atomic(), s.account, hash).commit();
  }

  /** Ends every session of account `key` but `keep` (a session hash). */
  async #endSessions(key: string, keep = ""): Promise<void> {
    const hashes = (await sessionsOf(this.#kv, key)).filter((h) => h !== keep);
    for (let i = 0; i < hashes.length; i += 50) {
      const op = this.#kv.atomic();
      for (const h of hashes.slice(i, i + 50)) addSessionDelete(op, key, h);
      await op.commit();
    }
  }

  /** The caller's account when it is an active owner, else `permission_denied` saying `what`. */
  async #owner(actor: StaffClaim, what: string): Promise<Account> {
    const me = (await getAccount(this.#kv, nameKey(actor.sub))).value;
    if (!me || !isActiveOwner(me)) {
      throw new DomainError("permission_denied", `${what} is for owners only; ${actor.sub} is not one`);
    }
    return me;
  }

  /** Every account, by name (owners only). */
  async list(actor: StaffClaim): Promise<Account[]> {
    await this.#owner(actor, "Listing staff");
    return (await listAccounts(this.#kv)).map((e) => e.value).sort((a, b) =>
      nameKey(a.name) < nameKey(b.name) ? -1 : 1
    );
  }

  /** Creates an account (owners only); `already_exists` when the name is taken, in any case. */
  async create(actor: StaffClaim, input: { name: string; role: string; password: string }): Promise<Account> {
    await this.#owner(actor, "Adding staff");
    const name = checkName(input.name);
    const role = checkRole(input.role);
    checkPassword(input.password);
    const now = this.#now();
    const account: Account = {
      name,
      role,
      disabled: false,
      password: await hashPassword(input.password, this.#scrypt),
      createdAt: now,
      passwordChangedAt: now,
      createdBy: actor.sub,
    };
    const res = await addAccountWrite(this.#kv.atomic(), nameKey(name), account, null).commit();
    if (!res.ok) {
      throw new DomainError("already_exists", `An account named "${name}" already exists`, { field: "name" });
    }
    this.#log.info("staff account created", { name, role, by: actor.sub });
    return account;
  }

  /**
   * Changes the role or the disabled flag of `name` (owners only), never leaving no active owner;
   * disabling ends the member's sessions at once.
   */
  async update(actor: StaffClaim, name: string, change: AccountChange): Promise<Account> {
    await this.#owner(actor, "Changing staff accounts");
    const key = nameKey(name);
    const updated = await this.#retry("Changing a staff account", async () => {
      const all = await listAccounts(this.#kv);
      const entry = all.find((e) => nameKey(e.value.name) === key);
      if (!entry) throw new DomainError("not_found", `No staff account named "${name}"`, { field: "name" });
      const next = applyChange(entry.value, change, all.map((e) => e.value));
      const op = this.#kv.atomic();
      // every owner is checked, so two owners demoting each other at once cannot both succeed
      for (const e of all) if (isActiveOwner(e.value)) op.check(e);
      const res = await addAccountWrite(op, key, next, entry.versionstamp).commit();
      return { ok: res.ok, value: next };
    });
    if (updated.disabled) await this.#endSessions(key);
    this.#log.info("staff account changed", { name: updated.name, ...change, by: actor.sub });
    return updated;
  }

  /** Sets the password of `name` (owners only); the member's sessions end. */
  async setPassword(actor: StaffClaim, name: string, password: string): Promise<void> {
    await this.#owner(actor, "Resetting a password");
    checkPassword(password);
    await this.#writePassword(nameKey(name), name, password);
    await this.#endSessions(nameKey(name));
    this.#log.info("staff password reset", { name, by: actor.sub });
  }

  /**
   * The caller changes their own password, proving the current one (a wrong one is `invalid_argument`
   * on `current_password`); their other sessions end, `keepSessionId` stays.
   */
  async changeOwnPassword(
    actor: StaffClaim,
    current: string,
    next: string,
    keepSessionId: string,
  ): Promise<void> {
    const key = nameKey(actor.sub);
    const me = (await getAccount(this.#kv, key)).value;
    if (!me || me.disabled) {
      throw new DomainError("permission_denied", `No active account named "${actor.sub}"`);
    }
    if (!(await verifyPassword(current.slice(0, MAX_PASSWORD_LENGTH + 1), me.password))) {
      throw new DomainError("invalid_argument", "The current password is wrong", {
        field: "current_password",
      });
    }
    checkPassword(next, "new_password");
    await this.#writePassword(key, actor.sub, next);
    await this.#endSessions(key, SESSION_ID.test(keepSessionId) ? await sessionHash(keepSessionId) : "");
    this.#log.info("staff password changed", { name: me.name });
  }

  async #writePassword(key: string, name: string, password: string): Promise<void> {
    const hash = await hashPassword(password, this.#scrypt);
    await this.#retry("Setting a password", async () => {
      const e = await getAccount(this.#kv, key);
      if (!e.value) throw new DomainError("not_found", `No staff account named "${name}"`, { field: "name" });
      const account = { ...e.value, password: hash, passwordChangedAt: this.#now() };
      return {
        ok: (await addAccountWrite(this.#kv.atomic(), key, account, e.versionstamp).commit()).ok,
        value: 0,
      };
    });
  }
}

/**
 * Where staff data lives in orders' KV (every key under `["staff", ...]`): accounts by name key,
 * sessions by the SHA-256 of their id (the id itself is never stored), an index of each account's
 * sessions (to end them all when it is disabled or its password reset), and the throttle's windows.
 * Sessions and windows carry a KV `expireIn`, so the store forgets them by itself; readers still
 * check the times, as expiry is not immediate. Persistence only: reads, and `addX(op, ...)` functions
 * that add checks and mutations to an atomic operation; it never commits.
 *
 * @module
 */
import type { Account } from "./domain/account.ts";
import type { StoredSession } from "./domain/session.ts";
import type { LimitScope } from "./domain/throttle.ts";

const ROOT = "staff";

/** Key of the account whose name key is `key`. */
export const accountKey = (key: string): Deno.KvKey => [ROOT, "accounts", key];
/** Key of the session whose id hashes to `hash`. */
export const sessionKey = (hash: string): Deno.KvKey => [ROOT, "sessions", hash];
/** Key of the index entry of session `hash` of account `key`. */
export const accountSessionKey = (key: string, hash: string): Deno.KvKey => [
  ROOT,
  "account_sessions",
  key,
  hash,
];
/** Key of a throttle window. */
export const windowKey = (scope: LimitScope, key: string): Deno.KvKey => [ROOT, "throttle", scope, key];

/** The SHA-256 of a session id, hex: what the store knows of it. */
export async function sessionHash(id: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The account of name key `key`, with its versionstamp. */
export function getAccount(kv: Deno.Kv, key: string): Promise<Deno.KvEntryMaybe<Account>> {
  return kv.get<Account>(accountKey(key), { consistency: "strong" });
}

/** Every account with its entry (a shop has a handful). */
export async function listAccounts(kv: Deno.Kv): Promise<Deno.KvEntry<Account>[]> {
  const out: Deno.KvEntry<Account>[] = [];
  for await (const e of kv.list<Account>({ prefix: [ROOT, "accounts"] })) out.push(e);
  return out;
}

/** Writes `account` (checked against `versionstamp`: null means "must not exist yet"). */
export function addAccountWrite(
  op: Deno.AtomicOperation,
  key: string,
  account: Account,
  versionstamp: string | null,
): Deno.AtomicOperation {
  return op.check({ key: accountKey(key), versionstamp }).set(accountKey(key), account);
}

/** The session stored under `hash`. */
export function getSession(kv: Deno.Kv, hash: string): Promise<Deno.KvEntryMaybe<StoredSession>> {
  return kv.get<StoredSession>(sessionKey(hash));
}

/** Stores session `hash` for `expireIn` ms, with its index entry kept as long. */
export function addSessionWrite(
  op: Deno.AtomicOperation,
  hash: string,
  session: StoredSession,
  expireIn: number,
): Deno.AtomicOperation {
  return op
    .set(sessionKey(hash), session, { expireIn })
    .set(accountSessionKey(session.account, hash), session.createdAt, { expireIn });
}

/** Deletes session `hash` of account `account`. */
export function addSessionDelete(
  op: Deno.AtomicOperation,
  account: string,
  hash: string,
): Deno.AtomicOperation {
  return op.delete(sessionKey(hash)).delete(accountSessionKey(account, hash));
}

/** The session hashes of account `key`. */
export async function sessionsOf(kv: Deno.Kv, key: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: [ROOT, "account_sessions", key] })) {
    out.push(String(e.key[e.key.length - 1]));
  }
  return out;
}

/** The throttle windows at `keys`, with their entries (for checked writes). */
export async function getWindows(
  kv: Deno.Kv,
  keys: { scope: LimitScope; key: string }[],
): Promise<Deno.KvEntryMaybe<number[]>[]> {
  const entries = await kv.getMany(keys.map((k) => windowKey(k.scope, k.key)));
  return entries as Deno.KvEntryMaybe<number[]>[];
}

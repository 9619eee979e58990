/**
 * Bounds password guessing without ever making anyone wait: an attempt is either checked at once or
 * refused at once with the number of seconds until it would be checked (the caller answers 429 with
 * `Retry-After`). Nothing queues and nothing sleeps.
 *
 * The rule. Failed attempts are counted in sliding windows (`windowMs`, default 15 minutes):
 *
 * - A **known device** — a browser holding a device cookie that this server signed when it last logged
 *   in successfully (`devices.ts`) — counts only against its own limit (`perDevice`). Nothing anyone
 *   else does can refuse it, so the staff's own browsers get in at once while an attacker hammers,
 *   even from the same address (e.g. behind a proxy that is not in `WEB_TRUSTED_PROXIES`).
 * - Every **other attempt** counts against, and is refused past, three limits at once: its client
 *   address (`perAddress`), the account it tries (`perAccount`), and all such attempts together
 *   (`global`). However many addresses an attacker has, it gets at most `global` guesses per window.
 *   During an attack a browser that never logged in before waits like the attacker (it cannot be told
 *   apart); `Retry-After` says how long.
 *
 * An attempt takes its place in the windows before its password is checked (a success gives the place
 * back), so parallel requests cannot slip past a limit. Refused attempts are not guesses and are not
 * counted. Tables are bounded (`maxKeys` per kind, least recently used dropped; the global window is
 * never dropped, so dropping only ever forgets per-address history, not the cap).
 *
 * @module
 */

/** Options of {@linkcode LoginLimiter}. */
export interface LimiterOptions {
  /** Length of the sliding window in ms (default 15 minutes). */
  windowMs?: number;
  /** Failures allowed per client address and window (default 10). */
  perAddress?: number;
  /** Failures allowed per account and window from browsers that are not known devices (default 50). */
  perAccount?: number;
  /** Failures allowed in all, per window, from browsers that are not known devices (default 100). */
  global?: number;
  /** Failures allowed per known device and window (default 10). */
  perDevice?: number;
  /** Most addresses (and devices, and accounts) tracked (default 10000). */
  maxKeys?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Who is trying to log in. */
export interface LoginAttempt {
  /** The account tried (the single admin account is `admin`). */
  account: string;
  /** The client's address. */
  address: string;
  /** The id of a known device (a valid device cookie), or null. */
  device: string | null;
}

/** Which limit refused an attempt. */
export type LimitScope = "device" | "address" | "account" | "global";

/** What happened to an attempt. */
export type LoginOutcome =
  | { kind: "ok" }
  | { kind: "wrong" }
  | { kind: "limited"; scope: LimitScope; retryAfterSeconds: number };

/** Failure times within one window, oldest first. */
class Window {
  times: number[] = [];

  prune(since: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= since) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }

  /** When the count falls below `limit` again (only meaningful when it is at or over it). */
  freeAt(limit: number, windowMs: number): number {
    return this.times[this.times.length - limit]! + windowMs;
  }

  remove(at: number): void {
    const i = this.times.lastIndexOf(at);
    if (i >= 0) this.times.splice(i, 1);
  }
}

/** Windows by key, bounded, least recently used first. */
class Windows {
  readonly #map = new Map<string, Window>();
  constructor(readonly max: number) {}

  get(key: string): Window {
    let w = this.#map.get(key);
    if (w) this.#map.delete(key);
    else w = new Window();
    this.#map.set(key, w);
    while (this.#map.size > this.max) {
      const oldest = this.#map.keys().next().value;
      if (oldest === undefined || oldest === key) break;
      this.#map.delete(oldest);
    }
    return w;
  }

  peek(key: string): Window | undefined {
    return this.#map.get(key);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }
}

/** The limits above; one per gateway process. */
export class LoginLimiter {
  readonly #windowMs: number;
  readonly #limits: Record<LimitScope, number>;
  readonly #now: () => number;
  readonly #devices: Windows;
  readonly #addresses: Windows;
  readonly #accounts: Windows;
  readonly #global = new Window();

  /** Creates a limiter. */
  constructor(options: LimiterOptions = {}) {
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#limits = {
      device: options.perDevice ?? 10,
      address: options.perAddress ?? 10,
      account: options.perAccount ?? 50,
      global: options.global ?? 100,
    };
    const max = options.maxKeys ?? 10_000;
    this.#devices = new Windows(max);
    this.#addresses = new Windows(max);
    this.#accounts = new Windows(max);
    this.#now = options.now ?? Date.now;
  }

  /** The limits in force, by scope. */
  get limits(): Readonly<Record<LimitScope, number>> {
    return this.#limits;
  }

  /** The windows an attempt counts against, each with its scope. */
  #windowsOf(who: LoginAttempt): [LimitScope, Window][] {
    if (who.device !== null) return [["device", this.#devices.get(who.device)]];
    return [
      ["address", this.#addresses.get(who.address)],
      ["account", this.#accounts.get(who.account)],
      ["global", this.#global],
    ];
  }

  /**
   * Checks `who`'s password with `check` (true when right) unless a limit refuses the attempt; never
   * waits for anything but `check` itself.
   */
  async attempt(who: LoginAttempt, check: () => Promise<boolean>): Promise<LoginOutcome> {
    const now = this.#now();
    const windows = this.#windowsOf(who);
    let refusal: { scope: LimitScope; until: number } | null = null;
    for (const [scope, w] of windows) {
      w.prune(now - this.#windowMs);
      const limit = this.#limits[scope];
      if (w.times.length >= limit) {
        const until = w.freeAt(limit, this.#windowMs);
        if (!refusal || until > refusal.until) refusal = { scope, until };
      }
    }
    if (refusal) {
      return {
        kind: "limited",
        scope: refusal.scope,
        retryAfterSeconds: Math.max(1, Math.ceil((refusal.until - now) / 1000)),
      };
    }
    // Take the places now, synchronously, so that parallel attempts see them.
    for (const [, w] of windows) w.times.push(now);
    let ok: boolean;
    try {
      ok = await check();
    } catch (err) {
      for (const [, w] of windows) w.remove(now);
      throw err;
    }
    if (!ok) return { kind: "wrong" };
    for (const [, w] of windows) w.remove(now);
    if (who.device !== null) this.#devices.delete(who.device);
    return { kind: "ok" };
  }

  /** Failures counted in the window of `scope` and `key` (the key is ignored for `global`). */
  failures(scope: LimitScope, key = ""): number {
    const w = scope === "global"
      ? this.#global
      : { device: this.#devices, address: this.#addresses, account: this.#accounts }[scope].peek(key);
    if (!w) return 0;
    w.prune(this.#now() - this.#windowMs);
    return w.times.length;
  }
}

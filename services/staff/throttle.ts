/**
 * The login throttle over the store (the rule is `domain/throttle.ts`): an attempt takes its place in
 * its windows before its password is checked, and a success gives it back.
 *
 * Attempts arriving together are decided together: the waiting ones are taken in batches, each batch
 * one read of its windows and one atomic commit checked against what was read (re-run, bounded, when
 * another writer got in between). So a burst of hundreds of attempts costs a handful of commits instead
 * of queueing one by one, and an attempt a limit already refuses is answered from a plain read, at once.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import {
  cap,
  type LimitScope,
  prune,
  type Refusal,
  refusal,
  type ThrottleLimits,
  type Window,
} from "./domain/throttle.ts";
import { getWindows, windowKey } from "./store.ts";

/** The windows one attempt counts against. */
export type Scopes = { scope: LimitScope; key: string }[];

interface Waiting {
  scopes: Scopes;
  now: number;
  resolve(r: Refusal | null): void;
  reject(err: unknown): void;
}

/** Deno KV allows at most 100 checks per atomic operation; each window of a batch is one check. */
const MAX_WINDOWS_PER_BATCH = 99;
/** Deno KV reads at most 10 keys per `getMany`. */
const READ_CHUNK = 10;
const ATTEMPTS = 10;

function id(s: { scope: LimitScope; key: string }): string {
  return `${s.scope}\n${s.key}`;
}

/** The throttle's windows in one store. */
export class ThrottleWindows {
  readonly #kv: Deno.Kv;
  readonly #limits: ThrottleLimits;
  #waiting: Waiting[] = [];
  #draining = false;
  /** Batches and give-backs run one at a time in this process (no conflicts among themselves). */
  #tail: Promise<unknown> = Promise.resolve();

  /** The windows in `kv` under `limits`. */
  constructor(kv: Deno.Kv, limits: ThrottleLimits) {
    this.#kv = kv;
    this.#limits = limits;
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  async #read(scopes: Scopes): Promise<Deno.KvEntryMaybe<number[]>[]> {
    const chunks: Promise<Deno.KvEntryMaybe<number[]>[]>[] = [];
    for (let i = 0; i < scopes.length; i += READ_CHUNK) {
      chunks.push(getWindows(this.#kv, scopes.slice(i, i + READ_CHUNK)));
    }
    return (await Promise.all(chunks)).flat();
  }

  #pruned(scopes: Scopes, entries: Deno.KvEntryMaybe<number[]>[], now: number): Window[] {
    return scopes.map((s, i) => ({
      ...s,
      times: prune(entries[i]!.value ?? [], now, this.#limits.windowMs),
    }));
  }

  /**
   * Takes the attempt's place in every window of `scopes` at `now`, or the refusal of the limit that
   * stops it (then nothing is counted).
   */
  async take(scopes: Scopes, now: number): Promise<Refusal | null> {
    const early = refusal(this.#pruned(scopes, await this.#read(scopes), now), now, this.#limits);
    if (early) return early;
    return await new Promise<Refusal | null>((resolve, reject) => {
      this.#waiting.push({ scopes, now, resolve, reject });
      this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#nextBatch();
        try {
          const results = await this.#serially(() => this.#decide(batch));
          batch.forEach((w, i) => w.resolve(results[i]!));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The oldest waiting attempts whose windows fit one atomic commit. */
  #nextBatch(): Waiting[] {
    const keys = new Set<string>();
    let n = 0;
    for (const w of this.#waiting) {
      const added = w.scopes.filter((s) => !keys.has(id(s)));
      if (n > 0 && keys.size + added.length > MAX_WINDOWS_PER_BATCH) break;
      for (const s of added) keys.add(id(s));
      n++;
    }
    return this.#waiting.splice(0, n);
  }

  /** Decides a batch in arrival order against one read of its windows; commits it in one operation. */
  async #decide(batch: Waiting[]): Promise<(Refusal | null)[]> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const unique = new Map<string, { scope: LimitScope; key: string }>();
      for (const w of batch) for (const s of w.scopes) unique.set(id(s), s);
      const scopes = [...unique.values()];
      const entries = await this.#read(scopes);
      const times = new Map(scopes.map((s, i) => [id(s), entries[i]!.value ?? []]));
      const changed = new Set<string>();
      const results = batch.map((w) => {
        const windows = w.scopes.map((s) => ({
          ...s,
          times: prune(times.get(id(s))!, w.now, this.#limits.windowMs),
        }));
        const refused = refusal(windows, w.now, this.#limits);
        if (!refused) {
          for (const win of windows) {
            times.set(id(win), cap([...win.times, w.now], this.#limits));
            changed.add(id(win));
          }
        }
        return refused;
      });
      const op = this.#kv.atomic();
      scopes.forEach((s, i) => {
        if (!changed.has(id(s))) return;
        op.check(entries[i]!).set(windowKey(s.scope, s.key), times.get(id(s))!, {
          expireIn: this.#limits.windowMs,
        });
      });
      if ((await op.commit()).ok) return results;
    }
    throw new DomainError("unavailable", "Logging in kept conflicting with other logins; try again");
  }

  /** Gives a successful attempt's place (made at `at`) back; a known device's window is cleared. */
  async giveBack(scopes: Scopes, at: number): Promise<void> {
    await this.#serially(async () => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const entries = await this.#read(scopes);
        const op = this.#kv.atomic();
        scopes.forEach((s, i) => {
          const e = entries[i]!;
          if (!e.value) return;
          const times = s.scope === "device" ? [] : [...e.value];
          const mine = times.lastIndexOf(at);
          if (mine >= 0) times.splice(mine, 1);
          op.check(e);
          if (times.length === 0) op.delete(e.key);
          else op.set(e.key, times, { expireIn: this.#limits.windowMs });
        });
        if ((await op.commit()).ok) return;
      }
      throw new DomainError("unavailable", "Logging in kept conflicting with other logins; try again");
    });
  }
}

/**
 * Group commit for the unit of work: operations that become ready while a commit is in flight wait for
 * it, then go to the store together, as one atomic operation.
 *
 * Why: under `deno task bench`'s load, orders had up to ~30 of its own use cases' commits in flight at
 * once (creations and cancels), and payments as many (payment links and provider events). Each was a
 * commit of its own, each writing the same index prefixes' pages. A throwaway bench of 4,000
 * creation-like commits (2 checks, 14 mutations under 14 prefixes, on a file) spent 865 µs of CPU per
 * creation one per commit, 630-760 with two per commit and 420-480 with four.
 *
 * The rules are those of the consumer's batches (`bus/batch.ts`): an operation joins a group only if it
 * checked no key that an earlier member writes (its check would pass against the state before the
 * commit while that member changes the key: a lost update), and only while the group stays within
 * Deno KV's per-commit counts. Members' mutations apply in order, as separate commits in that order
 * would. An operation that may not join waits for the next group.
 *
 * When a group's commit fails — a member's check failed, or the group went over a size limit that is
 * not counted up front — each member is committed on its own, so that only the one whose data changed
 * sees a failed commit (and its unit of work runs it again). A lone operation is committed as it is.
 *
 * @module
 */
import { Batch } from "./bus/batch.ts";
import { RecordingOp } from "./bus/recording_op.ts";

/** A unit of work's operation: recorded, then committed by a {@linkcode GroupCommitter}. */
export class UnitOp extends RecordingOp {
  /**
   * Callbacks to run once this operation's commit has settled, succeeded or failed (the change feed's
   * bookkeeping of records in flight, see `change_feed/notifier.ts`). `afterCommit` runs on success.
   */
  readonly settled: (() => void)[] = [];
}

/** What a commit ends with. */
export type CommitResult = Deno.KvCommitResult | Deno.KvCommitError;

interface Pending {
  op: UnitOp;
  resolve(result: CommitResult): void;
  reject(err: unknown): void;
}

/** Most operations in one group (Deno KV's own limits usually stop a group sooner). */
export const MAX_GROUP = 64;

/** Commits {@linkcode UnitOp}s on one store, grouping those that wait (see the module doc). */
export class GroupCommitter {
  readonly #kv: Deno.Kv;
  #queue: Pending[] = [];
  #busy = false;
  /** Groups committed (for tests and diagnostics). */
  groups = 0;

  /** A committer on `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Commits `op`, alone or with others; resolves with its own outcome (a group's versionstamp is that
   * of every key of every member), or rejects as `commit()` would (e.g. a value over Deno KV's limit).
   */
  commit(op: UnitOp): Promise<CommitResult> {
    const { promise, resolve, reject } = Promise.withResolvers<CommitResult>();
    this.#queue.push({ op, resolve, reject });
    if (!this.#busy) void this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#queue.length > 0) {
        const group = new Batch<Pending>();
        const later: Pending[] = [];
        for (const item of this.#queue) {
          if (group.size < MAX_GROUP && group.refusal(item) === undefined) group.add(item);
          else later.push(item);
        }
        this.#queue = later;
        await this.#commit(group);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #commit(group: Batch<Pending>): Promise<void> {
    this.groups++;
    const items = group.items;
    if (items.length > 1) {
      let result: CommitResult | undefined;
      try {
        result = await group.operation(this.#kv).commit();
      } catch {
        result = undefined; // over a size limit: each on its own below
      }
      if (result?.ok) {
        for (const item of items) item.resolve(result);
        return;
      }
    }
    await Promise.all(items.map(async (item) => {
      try {
        const op = this.#kv.atomic();
        item.op.applyTo(op);
        item.resolve(await op.commit());
      } catch (err) {
        item.reject(err);
      }
    }));
  }
}

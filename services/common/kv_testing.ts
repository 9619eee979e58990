/**
 * Test support (test code only): counting the commits made on a store.
 *
 * @module
 */

/** Commits made on a store since it was counted (or last reset). */
export interface CommitCount {
  /** Commits that succeeded. */
  ok: number;
  /** Commits whose checks failed. */
  failed: number;
}

/** Counts every commit made on `kv` from now on (through `kv.atomic()`), into the returned object. */
export function countCommits(kv: Deno.Kv): CommitCount {
  const count: CommitCount = { ok: 0, failed: 0 };
  const atomic = kv.atomic.bind(kv);
  kv.atomic = () => {
    const op = atomic();
    const commit = op.commit.bind(op);
    op.commit = async () => {
      const res = await commit();
      if (res.ok) count.ok++;
      else count.failed++;
      return res;
    };
    return op;
  };
  return count;
}

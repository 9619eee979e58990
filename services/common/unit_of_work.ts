/**
 * The unit of work: the one place that commits a use case's state change together with the events it
 * implies, re-runs it on a version conflict, and wakes the relay. Nothing else in the services commits
 * outbox records, calls `kick()` or loops on KV conflicts.
 *
 * A use case gets a {@linkcode Tx}: it reads with `tx.kv`, adds checks (the versionstamps of what it
 * read) and mutations to `tx.op`, announces facts with `tx.emit`, and registers `tx.afterCommit`
 * callbacks (e.g. to notify watchers). {@linkcode UnitOfWork.run} gives the work a fresh Tx, commits
 * `tx.op` (state + outbox records, one atomic operation; operations that wait while another commits
 * are committed together, see `group_commit.ts`), and when a check failed — someone else
 * changed what the work read — runs the work again on fresh reads, at most `maxAttempts` times, then
 * throws a {@linkcode ConflictError} naming the use case. Work that changed nothing is not committed.
 * After a commit it runs the afterCommit callbacks and hands the committed records to `kick`.
 *
 * Event handlers already have an operation: the consumer's, which it commits with the inbox mark.
 * {@linkcode consumerTx} makes a Tx over it, so the same use case runs inside either.
 *
 * A crash between the commit and the publish loses nothing: the records are in the outbox, and the
 * relay publishes them when it next runs.
 *
 * @module
 */
import { DomainError } from "./domain_error.ts";
import type { EventPayload, RoutingKey } from "./events.ts";
import type { Logger } from "./log.ts";
import { enqueueEvent } from "./bus/outbox.ts";
import { type CommitResult, GroupCommitter, UnitOp } from "./group_commit.ts";
import type { HandlerContext, OutboxRecord } from "./bus/types.ts";

/** Options of {@linkcode Tx.emit}. */
export interface EmitOptions {
  /** The trace context the event continues (see `enqueueEvent`). */
  traceparent?: string;
  /** A fixed message id, so a later commit can take a held event back (`outboxKey(id)`). */
  id?: string;
  /**
   * Hold the event until this time (epoch ms): the relay's periodic scan publishes it from then on,
   * unless a commit deleted it first; it is not handed to the relay at once.
   */
  notBefore?: number;
}

/** What a use case changes, and the facts it announces, in one atomic operation. */
export interface Tx {
  /** The service's store, for reads (check what you read on `op`). */
  kv: Deno.Kv;
  /** The operation that commits: checks and mutations. */
  op: Deno.AtomicOperation;
  /** Adds event `key` to the outbox in `op`, so it leaves exactly when the change commits. */
  emit<K extends RoutingKey>(key: K, payload: EventPayload<K>, opts?: EmitOptions): void;
  /**
   * Runs `fn` once `op` has committed (never when it did not), given the commit's versionstamp (that of
   * every key it wrote) when this Tx committed `op` itself; a consumer's batch commit gives none.
   */
  afterCommit(fn: (versionstamp?: string) => void): void;
  /**
   * In an event handler: the event's effect is already in the store and can never apply later, so the
   * delivery needs no commit (see `HandlerContext.alreadyApplied`); absent elsewhere.
   */
  alreadyApplied?: () => void;
}

/** Runs use cases' work in transactions. */
export interface UnitOfWork {
  /**
   * Runs `work` in a fresh Tx, commits state + outbox atomically, re-runs `work` on a version conflict
   * (bounded, then a {@linkcode ConflictError} naming `useCase`), skips the commit when `work` changed
   * nothing, then runs the afterCommit callbacks and wakes the relay with what was committed. An error
   * thrown by `work` commits nothing and is thrown as it is.
   */
  run<T>(work: (tx: Tx) => Promise<T>, useCase?: string): Promise<T>;
}

/** Options of {@linkcode unitOfWork}. */
export interface UnitOfWorkOptions {
  /** The service's store. */
  kv: Deno.Kv;
  /** Wakes the outbox relay after a commit with events (given the records just committed). */
  kick: (records?: OutboxRecord[]) => void;
  log: Logger;
  /** How often work runs before giving up on conflicts (default {@linkcode DEFAULT_MAX_ATTEMPTS}). */
  maxAttempts?: number;
}

/** Attempts per {@linkcode UnitOfWork.run} by default. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** Thrown when a use case's data kept changing under it for every attempt (travels as `unavailable`). */
export class ConflictError extends DomainError {
  /** The use case that gave up. */
  readonly useCase: string;

  /** Creates the error for `useCase` after `attempts` conflicting commits. */
  constructor(useCase: string, attempts: number) {
    super(
      "unavailable",
      `${useCase} gave up after ${attempts} attempts: the data it read kept changing; try again`,
    );
    this.name = "ConflictError";
    this.useCase = useCase;
  }
}

/** A growing, jittered pause before attempt `attempt` (0 for the first two). */
function backoff(attempt: number): Promise<void> | undefined {
  if (attempt < 2) return undefined;
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The unit of work over `opts.kv`. */
export function unitOfWork(opts: UnitOfWorkOptions): UnitOfWork {
  const { kv, kick, log } = opts;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const committer = new GroupCommitter(kv);
  return {
    async run<T>(work: (tx: Tx) => Promise<T>, useCase = work.name || "A use case"): Promise<T> {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        await backoff(attempt);
        const op = new UnitOp();
        const records: OutboxRecord[] = [];
        const after: ((versionstamp?: string) => void)[] = [];
        const tx: Tx = {
          kv,
          op,
          emit: (key, payload, emitOpts) => records.push(enqueueEvent(op, key, payload, emitOpts)),
          afterCommit: (fn) => after.push(fn),
        };
        const result = await work(tx);
        if (op.mutations === 0) return result; // nothing changed: nothing to commit
        let res: CommitResult;
        try {
          res = await committer.commit(op);
        } finally {
          for (const fn of op.settled) fn();
        }
        if (!res.ok) continue; // what the work read changed meanwhile: run it again on fresh reads
        for (const fn of [...op.afterCommit, ...after]) {
          try {
            fn(res.versionstamp);
          } catch (err) {
            log.error("an afterCommit callback failed", { useCase, err });
          }
        }
        const now = records.filter((r) => r.notBefore === undefined);
        if (now.length > 0) kick(now);
        return result;
      }
      log.warn("use case gave up on conflicts", { useCase, attempts: maxAttempts });
      throw new ConflictError(useCase, maxAttempts);
    },
  };
}

/** A handler context that may offer its own after-commit hook (a consumer that batches commits). */
export type ConsumerContext = Pick<HandlerContext, "kv" | "op" | "alreadyApplied"> & {
  afterCommit?: (fn: () => void) => void;
};

/**
 * A Tx over a consumer's operation (`ctx.op`): the use case adds its checks, mutations and events to
 * it and the consumer commits them with the inbox mark, then wakes the relay itself. afterCommit
 * callbacks go to `ctx.afterCommit` when the consumer offers one; otherwise they run once `ctx.op`'s
 * own commit succeeds.
 */
export function consumerTx(ctx: ConsumerContext): Tx {
  const { kv, op } = ctx;
  let after: ((versionstamp?: string) => void)[] | undefined;
  const afterCommit = ctx.afterCommit?.bind(ctx) ?? ((fn: (versionstamp?: string) => void) => {
    if (!after) {
      const callbacks: ((versionstamp?: string) => void)[] = after = [];
      const commit = op.commit.bind(op);
      op.commit = async () => {
        const res = await commit();
        if (res.ok) { for (const f of callbacks) f(res.versionstamp); }
        return res;
      };
    }
    after.push(fn);
  });
  return {
    kv,
    op,
    emit: (key, payload, emitOpts) => void enqueueEvent(op, key, payload, emitOpts),
    afterCommit,
    ...(ctx.alreadyApplied ? { alreadyApplied: ctx.alreadyApplied } : {}),
  };
}

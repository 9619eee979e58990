/**
 * Where and when a lost broker connection is tried again: round robin over the nodes, starting with the
 * node after the one lost (or last tried), with the transport's backoff between rounds. Within a round
 * the next node is tried at once; a round that reached no node waits before the next one, 0.2 s doubling
 * to 5 s. With one node this is the plain backoff: 0.2 s, 0.4 s, 0.8 s, ... 5 s.
 *
 * @module
 */

/** The backoff between rounds. */
export interface Backoff {
  /** Delay before the first round (ms). */
  initialDelayMs: number;
  /** Longest delay (ms). */
  maxDelayMs: number;
  /** Each round's delay is the previous one times this. */
  factor: number;
}

/** The transport's backoff: 0.2 s doubling to 5 s. */
export const DEFAULT_BACKOFF: Backoff = { initialDelayMs: 200, maxDelayMs: 5000, factor: 2 };

/** One planned connection attempt. */
export interface PlannedAttempt {
  /** Index of the node to try. */
  node: number;
  /** Wait before trying it (ms). */
  delayMs: number;
}

/**
 * Attempt `attempt` (1 for the first retry after a loss or a failed attempt) of a failure streak, where
 * `lastNode` is the node lost or last tried and `nodes` how many there are.
 */
export function planAttempt(
  attempt: number,
  lastNode: number,
  nodes: number,
  backoff: Backoff = DEFAULT_BACKOFF,
): PlannedAttempt {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`nodes must be >= 1, got ${nodes}`);
  const node = (((lastNode + 1) % nodes) + nodes) % nodes;
  const startsRound = (attempt - 1) % nodes === 0;
  if (!startsRound) return { node, delayMs: 0 };
  const round = Math.floor((attempt - 1) / nodes);
  const delayMs = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** round);
  return { node, delayMs: Math.round(delayMs) };
}

/**
 * What the admin pages read, through the service facades (`web/gateway/`): order counts and pages
 * (filtered by status, searched by exact order id or customer id), the chart's orders, kitchen tickets,
 * stock items and dead letters. Failures are the facades' {@linkcode ApiError}s naming the service.
 *
 * @module
 */
import type { DeadLetter } from "../../services/common/gen/oms/deadletters/v1/deadletters.ts";
import type { Logger } from "../../services/common/log.ts";
import { toApiError } from "../api/errors.ts";
import { CONSUMERS } from "../gateway/dead_letters.ts";
import type { Gateway } from "../gateway/mod.ts";
import { type Bucket, bucketOrders, type ChartRange, rangeStart } from "./chart.ts";
import { ORDER_STATUSES } from "./view.ts";
import type { PeerName } from "../gateway/clients.ts";
import type { Zone } from "../lib/when.ts";

/** Most ListOrders pages read for the chart (of 100 orders each). */
export const CHART_MAX_PAGES = 10;

/** Orders per status. */
export async function loadCounts(gw: Gateway): Promise<Record<string, number>> {
  const zero: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0]));
  return { ...zero, ...await gw.orders.counts() };
}

/**
 * The chart's buckets in `zone` (the shop's time zone and locale), and whether the orders read stopped
 * before the start of the range.
 */
export async function loadChart(
  gw: Gateway,
  range: ChartRange,
  now: Date,
  zone: Zone,
): Promise<{ buckets: Bucket[]; partial: boolean; read: number }> {
  const from = rangeStart(range, now, zone.timeZone).getTime();
  const times: Date[] = [];
  let cursor = "";
  let partial = false;
  for (let page = 0; page < CHART_MAX_PAGES; page++) {
    const res = await gw.orders.list("", { pageSize: 100, cursor });
    let older = false;
    for (const o of res.orders) {
      if (!o.createdAt) continue;
      if (o.createdAt.getTime() < from) older = true;
      else times.push(o.createdAt);
    }
    cursor = res.nextCursor;
    if (older || !cursor) break;
    if (page === CHART_MAX_PAGES - 1) partial = true;
  }
  return { buckets: bucketOrders(times, range, now, zone), partial, read: times.length };
}

export { loadTickets, MAX_READY, ticketView } from "./kitchen_data.ts";

/** A parked message as the page shows it. */
export interface DeadLetterView {
  /** Dead-letter id. */
  id: string;
  /** The message id. */
  messageId: string;
  /** Routing key. */
  routingKey: string;
  /** The body as text (whole; the page previews it). */
  payload: string;
  /** Why it was parked. */
  reason: string;
  /** Delivery attempts. */
  attempts: number;
  /** ISO 8601. */
  parkedAt: string | null;
  /** Size of the original body in bytes (0 when unknown: parked by an older version). */
  sizeBytes: number;
  /** True when `payload` is only the start of the body (it then cannot be replayed). */
  truncated: boolean;
}

/** The dead letters of one service, or why they could not be read. */
export interface DeadLetterGroup {
  /** The consuming service. */
  service: PeerName;
  /** Its parked messages (oldest id first), empty when `error` is set. */
  letters: DeadLetterView[];
  /** A message when the service could not be asked. */
  error: string;
  /** True when the service has more parked messages than listed. */
  more: boolean;
}

/** Most dead letters listed per service. */
export const DEAD_LETTER_LIMIT = 100;

/** Dead letters of every consuming service; a service that does not answer gets an error instead. */
export async function loadDeadLetters(gw: Gateway, log: Logger): Promise<DeadLetterGroup[]> {
  return await Promise.all(CONSUMERS.map(async (service): Promise<DeadLetterGroup> => {
    try {
      const res = await gw.deadLetters.list(service, DEAD_LETTER_LIMIT);
      return {
        service,
        letters: res.letters.map((d: DeadLetter) => ({
          id: d.id,
          messageId: d.messageId,
          routingKey: d.routingKey,
          payload: d.payload,
          reason: d.reason,
          attempts: d.attempts,
          parkedAt: d.parkedAt?.toISOString() ?? null,
          sizeBytes: d.sizeBytes,
          truncated: d.truncated,
        })),
        error: "",
        more: res.more,
      };
    } catch (err) {
      const e = toApiError(err, service);
      log.warn("dead letters unavailable", { service, err: e.message });
      return {
        service,
        letters: [],
        more: false,
        error: e.status >= 500 ? `The ${service} service did not answer.` : e.message,
      };
    }
  }));
}

/**
 * How OMS code records metrics. Every function here first checks whether metrics are on (an SDK
 * started by `setup.ts`); while they are off each call is one comparison and returns, so hot paths call
 * them unconditionally. Attribute objects are built once per distinct label set and reused
 * ({@linkcode cachedAttributes}), so a recording allocates nothing in the steady state.
 *
 * Label values stay bounded: RPC paths and routes come from the served definitions and route
 * templates, routing keys are checked against the known ones by the callers, statuses are enums.
 *
 * @module
 */
import type { Attributes } from "@opentelemetry/api";
import type { Instruments } from "./instruments.ts";

let active: Instruments | undefined;

/** True while an SDK records (a metrics port or an OTLP endpoint is configured). */
export function metricsEnabled(): boolean {
  return active !== undefined;
}

/** Sets the instruments recorded into (undefined: off). Only `sdk.ts` (and tests) call it. */
export function setInstruments(instruments: Instruments | undefined): void {
  active = instruments;
  cache.clear();
}

const cache = new Map<string, Attributes>();
/** Distinct label sets kept at most (a guard; real label sets number in the hundreds). */
const MAX_CACHED = 10_000;

/** The attributes object for `key`, built by `make` the first time (then reused). */
export function cachedAttributes(key: string, make: () => Attributes): Attributes {
  let attrs = cache.get(key);
  if (attrs === undefined) {
    attrs = make();
    if (cache.size < MAX_CACHED) cache.set(key, attrs);
  }
  return attrs;
}

/** `rpc.service` and `rpc.method` of a gRPC path (`/oms.stock.v1.StockService/ReserveItems`). */
function rpcAttributes(side: string, path: string, code: number): Attributes {
  return cachedAttributes(`${side}\0${path}\0${code}`, () => {
    const m = path.match(/^\/?([^/]+)\/([^/]+)$/);
    return {
      "rpc.system": "grpc",
      "rpc.service": m ? m[1]! : path,
      "rpc.method": m ? m[2]! : "",
      "rpc.grpc.status_code": code,
    };
  });
}

/** Records a served unary call of `path` that ended with status `code` after `ms`. */
export function recordRpcServer(path: string, code: number, ms: number): void {
  active?.rpcServerDuration.record(ms, rpcAttributes("s", path, code));
}

/** Records a client call of `path` that ended with status `code` after `ms`. */
export function recordRpcClient(path: string, code: number, ms: number): void {
  active?.rpcClientDuration.record(ms, rpcAttributes("c", path, code));
}

/** The HTTP methods labelled as themselves; any other is `_OTHER` (the HTTP conventions' rule). */
const HTTP_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
]);

/** Records an HTTP request answered by route template `route` ("" when none matched). */
export function recordHttp(method: string, route: string, status: number, seconds: number): void {
  if (!active) return;
  const m = HTTP_METHODS.has(method) ? method : "_OTHER"; // a client cannot mint label values
  active.httpServerDuration.record(
    seconds,
    cachedAttributes(`h\0${m}\0${route}\0${status}`, () => ({
      "http.request.method": m,
      ...(route ? { "http.route": route } : {}),
      "http.response.status_code": status,
    })),
  );
}

/** How a delivery ended, as the consumed-messages counter labels it. */
export type ConsumeOutcome = "processed" | "retried" | "parked" | "failed";

/** Records a delivery from `queue` with `routingKey` that ended as `outcome` after `seconds` of handling. */
export function recordConsumed(
  queue: string,
  routingKey: string,
  outcome: ConsumeOutcome,
  seconds: number,
): void {
  if (!active) return;
  active.consumed.add(
    1,
    cachedAttributes(`m\0${queue}\0${routingKey}\0${outcome}`, () => ({
      "messaging.destination.name": queue,
      "messaging.rabbitmq.destination.routing_key": routingKey,
      "oms.outcome": outcome,
    })),
  );
  active.processDuration.record(
    seconds,
    cachedAttributes(`p\0${queue}\0${routingKey}`, () => ({
      "messaging.destination.name": queue,
      "messaging.rabbitmq.destination.routing_key": routingKey,
    })),
  );
}

/** Records the lag of a delivery from `queue`: `seconds` from its publish to its handling. */
export function recordConsumerLag(queue: string, seconds: number): void {
  if (!active) return;
  active.consumerLag.record(
    seconds,
    cachedAttributes(`l\0${queue}`, () => ({ "messaging.destination.name": queue })),
  );
}

/** Records a relay publish of `routingKey`; `errorType` names the failure (absent when confirmed). */
export function recordSent(routingKey: string, errorType?: string): void {
  if (!active) return;
  active.sent.add(
    1,
    cachedAttributes(`x\0${routingKey}\0${errorType ?? ""}`, () => ({
      "messaging.rabbitmq.destination.routing_key": routingKey,
      ...(errorType ? { "error.type": errorType } : {}),
    })),
  );
}

/** Records that an order entered `status`. */
export function recordOrderTransition(status: string): void {
  if (!active) return;
  active.orderTransitions.add(1, cachedAttributes(`t\0${status}`, () => ({ status })));
}

/** Records an order's time from paid to ready. */
export function recordTimeToReady(seconds: number): void {
  active?.timeToReady.record(seconds);
}

/** Counts a failure flag that fired (`flag`: its key in `flags/keys.ts`). */
export function countFlagFired(flag: string): void {
  if (!active) return;
  active.flagFired.add(1, cachedAttributes(`f\0${flag}`, () => ({ flag })));
}

/** Counts payments the reconciliation job recovered, by what found them. */
export function countReconciled(kind: "session" | "event", n = 1): void {
  if (!active) return;
  active.reconciled.add(n, cachedAttributes(`r\0${kind}`, () => ({ kind })));
}

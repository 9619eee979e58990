/**
 * W3C trace context (`traceparent`): made at the edge, carried in gRPC metadata and message headers,
 * recorded on timeline entries. A thin layer over the OpenTelemetry API and its W3C propagator, so there
 * is one way of reading and writing trace context whether tracing is on or off:
 *
 * - tracing off (no OTLP endpoint): nothing is registered, there is never an active span, and these
 *   helpers pass the given `traceparent` strings along as before (without asking the no-op API for
 *   the active context: see `tracing/enabled.ts`);
 * - tracing on: the active span (gRPC server, message consumer, HTTP server span) is the more precise
 *   parent, and is used wherever the given `traceparent` belongs to the same trace
 *   ({@linkcode effectiveTraceparent}).
 *
 * @module
 */
import {
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { parseTraceParent, W3CTraceContextPropagator } from "@opentelemetry/core";
import { Metadata } from "@grpc/grpc-js";
import { tracer } from "./tracing/spans.ts";
import { tracingEnabled } from "./tracing/enabled.ts";

const propagator = new W3CTraceContextPropagator();

/** The header (and metadata key) carrying the trace context. */
export const TRACEPARENT_HEADER = "traceparent";

const recordGetter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key],
};
const recordSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

/** The two hex digits of every byte value (a table: cheaper than formatting each byte). */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** `bytes` random bytes as lower-case hex. */
function hex(bytes: number): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (let i = 0; i < random.length; i++) out += HEX_BYTE[random[i]!]!;
  return out;
}

/** The context of `traceparent` (a remote parent) on top of `base`; `base` itself when it is not valid. */
export function contextFromTraceparent(
  traceparent: string | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  if (typeof traceparent !== "string") return base;
  return propagator.extract(base, { [TRACEPARENT_HEADER]: traceparent }, recordGetter);
}

/** How many parsed traceparents {@linkcode spanContextOf} keeps (it starts over when full). */
const PARSED_KEPT = 512;
const parsedTraceparents = new Map<string, Readonly<SpanContext> | null>();

/**
 * The span context `traceparent` names (a remote one, frozen), or undefined when it is missing or
 * malformed. Parsed as the W3C propagator's `extract` parses it, without building a context.
 *
 * A request's traceparent is read many times on its way (its trace id for the log and the timeline,
 * its validity for each call and event it causes), so the last {@linkcode PARSED_KEPT} are kept: a
 * repeated one costs a map lookup instead of three regular expressions and an object.
 */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  if (typeof traceparent !== "string" || traceparent === "") return undefined;
  let sc = parsedTraceparents.get(traceparent);
  if (sc === undefined) {
    const parsed = parseTraceParent(traceparent);
    const made: SpanContext | undefined = parsed ? { ...parsed, isRemote: true } : undefined;
    sc = made && isSpanContextValid(made) ? Object.freeze(made) : null;
    if (parsedTraceparents.size >= PARSED_KEPT) parsedTraceparents.clear();
    parsedTraceparents.set(traceparent, sc);
  }
  return sc ?? undefined;
}

/** The `traceparent` of the span in `ctx`, or undefined when `ctx` holds no valid span. */
export function traceparentOfContext(ctx: Context): string | undefined {
  const sc = trace.getSpanContext(ctx);
  if (!sc || !isSpanContextValid(sc)) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, recordSetter);
  return carrier[TRACEPARENT_HEADER];
}

/**
 * The `traceparent` of `spanContext` (undefined when it is not valid), written as the W3C propagator's
 * `inject` writes it, without building a context.
 */
export function formatTraceparent(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  const flags = Number(spanContext.traceFlags || TraceFlags.NONE).toString(16);
  return `00-${spanContext.traceId}-${spanContext.spanId}-0${flags}`;
}

/** `traceparent` as the W3C propagator re-writes it when it carries it on, or undefined when malformed. */
export function canonicalTraceparent(traceparent: string | undefined): string | undefined {
  const sc = spanContextOf(traceparent);
  return sc && formatTraceparent(sc);
}

/** The `traceparent` of the active span, or undefined when none is active (always, while tracing is off). */
export function currentTraceparent(): string | undefined {
  return tracingEnabled() ? traceparentOfContext(context.active()) : undefined;
}

/**
 * The trace context to record for work done now: the active span's when there is one and `explicit` is
 * absent or names the same trace (the active span is the more precise parent), else `explicit` (a caller
 * that deliberately continues another trace, e.g. a kitchen event continuing its order's trace).
 */
export function effectiveTraceparent(explicit?: string): string | undefined {
  const given = isTraceparent(explicit) ? explicit : undefined;
  const current = currentTraceparent();
  if (!current) return given;
  if (!given || traceIdOf(given) === traceIdOf(current)) return current;
  return given;
}

/** A new sampled traceparent with a random trace id. */
export function newTraceparent(): string {
  return formatTraceparent({ traceId: hex(16), spanId: hex(8), traceFlags: TraceFlags.SAMPLED })!;
}

/** True when `value` is a well-formed traceparent with non-zero ids (as the W3C propagator reads it). */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && spanContextOf(value) !== undefined;
}

/** The trace id of `traceparent`, or "" when it is missing or malformed. */
export function traceIdOf(traceparent: string | undefined): string {
  return spanContextOf(traceparent)?.traceId ?? "";
}

/** The span id of `traceparent`, or "" when it is missing or malformed. */
export function spanIdOf(traceparent: string | undefined): string {
  return spanContextOf(traceparent)?.spanId ?? "";
}

/**
 * A traceparent that continues the trace of `traceparent` from here (same trace, a new span):
 *
 * - when the active span already belongs to that trace, its traceparent;
 * - with tracing on, a short span `name` recorded as a child of `traceparent` and linked to the active
 *   span (the request that caused the continuation, e.g. a staff action on an order's kitchen ticket),
 *   so everything that follows hangs off a span that exists in the trace;
 * - with tracing off, a new random span id in the same trace.
 *
 * A missing or malformed `traceparent` gives the active span's traceparent, or a new one.
 */
export function childOf(traceparent: string | undefined, name = "continue trace"): string {
  const parent = spanContextOf(traceparent);
  const current = tracingEnabled() ? trace.getSpanContext(context.active()) : undefined;
  const active = current && isSpanContextValid(current) ? current : undefined;
  if (!parent) return (active && formatTraceparent(active)) ?? newTraceparent();
  if (active?.traceId === parent.traceId) return formatTraceparent(active)!;
  if (!tracingEnabled()) return formatTraceparent({ ...parent, spanId: hex(8), isRemote: false })!;
  const span = tracer().startSpan(name, {
    kind: SpanKind.INTERNAL,
    ...(active ? { links: [{ context: active }] } : {}),
  }, trace.setSpanContext(ROOT_CONTEXT, parent));
  span.end();
  const made = span.spanContext();
  if (isSpanContextValid(made) && made.spanId !== parent.spanId) return formatTraceparent(made)!;
  return formatTraceparent({ ...parent, spanId: hex(8), isRemote: false })!;
}

/** gRPC metadata carrying `traceparent`. */
export function traceMetadata(traceparent: string | undefined): Metadata {
  const md = new Metadata();
  if (traceparent) md.set(TRACEPARENT_HEADER, traceparent);
  return md;
}

/** The traceparent of an incoming gRPC call, if any (and well-formed). */
export function traceparentOf(metadata: Metadata): string | undefined {
  const v = metadata.get(TRACEPARENT_HEADER)[0];
  return isTraceparent(v) ? v : undefined;
}

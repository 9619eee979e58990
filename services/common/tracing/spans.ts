/**
 * Small helpers over the OpenTelemetry API for OMS spans. With tracing off (no SDK registered) the API
 * is a no-op: spans record nothing, and the helpers here skip even the no-op API's context work
 * ({@linkcode tracingEnabled}).
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { tracingEnabled } from "./enabled.ts";

export { tracingEnabled } from "./enabled.ts";

/** The instrumentation scope of every OMS span. */
export const TRACER_NAME = "oms";

/** The tracer of OMS spans (from the global provider; a no-op one while tracing is off). */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** A span that records nothing and names no valid context: what the no-op API hands out for a new trace. */
export const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Marks `span` failed with `err` (exception event and ERROR status). */
export function recordError(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/**
 * Runs `fn` inside a new span `name` (active for everything `fn` awaits), ends it when `fn` settles and
 * marks it failed when `fn` throws. `parent` defaults to the active context. With tracing off `fn` is
 * simply called, with the span the no-op API would give: one naming `parent`'s span context, else
 * {@linkcode NOOP_SPAN}.
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  parent?: Context,
): Promise<T> {
  if (!tracingEnabled()) {
    const sc = options.root || !parent ? undefined : trace.getSpanContext(parent);
    try {
      return fn(sc && isSpanContextValid(sc) ? trace.wrapSpanContext(sc) : NOOP_SPAN);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return tracer().startActiveSpan(name, options, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      recordError(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Attributes without the undefined values (OpenTelemetry drops them anyway, with a warning). */
export function definedAttributes(
  attributes: Record<string, string | number | boolean | undefined>,
): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * gRPC spans (OpenTelemetry RPC conventions): `rpc.system=grpc`, `rpc.service`, `rpc.method`,
 * `rpc.grpc.status_code`, span name `<service>/<method>`. The client span's context travels in the call
 * metadata as `traceparent`; the server span continues it. Used by `rpc()` (grpc_client.ts) and
 * `unary()` (grpc_handler.ts).
 *
 * @module
 */
import { type Client, Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  contextFromTraceparent,
  formatTraceparent,
  spanContextOf,
  TRACEPARENT_HEADER,
  traceparentOf,
  traceparentOfContext,
} from "../trace.ts";
import { NOOP_SPAN, tracer, tracingEnabled } from "./spans.ts";

/** `rpc.service` and `rpc.method` of a gRPC path (`/oms.stock.v1.StockService/ReserveItems`). */
export function rpcNames(path: string): { service: string; method: string } {
  const m = path.match(/^\/?([^/]+)\/([^/]+)$/);
  return m ? { service: m[1]!, method: m[2]! } : { service: path, method: "" };
}

function attributes(path: string) {
  const { service, method } = rpcNames(path);
  return {
    name: `${service}/${method}`,
    attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method },
  };
}

/** Starts the SERVER span of a call to `path`, a child of the `traceparent` in its `metadata`. */
export function startServerSpan(path: string, metadata: Metadata | undefined): Span {
  const { name, attributes: attrs } = attributes(path);
  return tracer().startSpan(
    name,
    { kind: SpanKind.SERVER, attributes: attrs },
    contextFromTraceparent(metadata ? traceparentOf(metadata) : undefined),
  );
}

/** A started client call: its span and the metadata to send (carrying the span's context). */
export interface ClientCall {
  /** The CLIENT span. */
  span: Span;
  /** A copy of the caller's metadata with `traceparent` set to the client span (when there is one). */
  metadata: Metadata;
}

/**
 * Starts the CLIENT span of a call of `method` on `client`. Its parent is the active span; but when the
 * caller's `metadata` already carries a `traceparent` of another trace (a caller continuing a trace on
 * purpose), that one. While tracing is off the metadata is sent as given (a valid `traceparent` written
 * as the W3C propagator writes it) with {@linkcode NOOP_SPAN}, and no span or context is made.
 */
export function startClientCall(client: Client, method: string, metadata: Metadata | undefined): ClientCall {
  const md = metadata?.clone() ?? new Metadata();
  const given = spanContextOf(traceparentOf(md));
  if (!tracingEnabled()) {
    if (given) md.set(TRACEPARENT_HEADER, formatTraceparent(given)!);
    return { span: given ? trace.wrapSpanContext(given) : NOOP_SPAN, metadata: md };
  }
  const active = trace.getSpanContext(context.active());
  const parent: Context = given && given.traceId !== active?.traceId
    ? contextFromTraceparent(traceparentOf(md), context.active())
    : context.active();
  const path = (client as unknown as Record<string, { path?: unknown }>)[method]?.path;
  const { name, attributes: attrs } = attributes(
    typeof path === "string" ? path : `${serviceNameOf(client)}/${method}`,
  );
  const span = tracer().startSpan(name, {
    kind: SpanKind.CLIENT,
    attributes: { ...attrs, ...serverAddress(client) },
  }, parent);
  const traceparent = traceparentOfContext(trace.setSpan(parent, span));
  if (traceparent) md.set(TRACEPARENT_HEADER, traceparent);
  return { span, metadata: md };
}

function serviceNameOf(client: Client): string {
  return (client.constructor as { serviceName?: string }).serviceName ?? "unknown";
}

function serverAddress(client: Client): Record<string, string | number> {
  let target: string;
  try {
    target = client.getChannel().getTarget();
  } catch {
    return {};
  }
  const m = target.replace(/^dns:(\/\/[^/]*\/)?/, "").match(/^\[?([^\]]+?)\]?:(\d+)$/);
  return m ? { "server.address": m[1]!, "server.port": Number(m[2]) } : { "server.address": target };
}

/** Status codes that mark a SERVER span failed (the others are the caller's mistake, per the conventions). */
const SERVER_ERRORS: ReadonlySet<number> = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/**
 * Ends a gRPC span with the call's status code (`rpc.grpc.status_code`). On a CLIENT span every code but
 * OK is an error; on a SERVER span only the codes that mean the server failed.
 */
export function endRpcSpan(span: Span, side: "client" | "server", code: number, message?: string): void {
  span.setAttribute("rpc.grpc.status_code", code);
  if (code !== GrpcStatus.OK && (side === "client" || SERVER_ERRORS.has(code))) {
    span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
  }
  span.end();
}

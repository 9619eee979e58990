/**
 * W3C trace context (`traceparent`) helpers: made at the edge, carried in gRPC metadata and message
 * headers, recorded on timeline entries.
 *
 * @module
 */
import { Metadata } from "@grpc/grpc-js";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

function hex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** A new sampled traceparent with a random trace id. */
export function newTraceparent(): string {
  return `00-${hex(16)}-${hex(8)}-01`;
}

/** True when `value` is a well-formed version-00 traceparent. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && TRACEPARENT.test(value);
}

/** The trace id of `traceparent`, or "" when it is missing or malformed. */
export function traceIdOf(traceparent: string | undefined): string {
  return traceparent?.match(TRACEPARENT)?.[1] ?? "";
}

/** A child traceparent: same trace, new span id. */
export function childOf(traceparent: string | undefined): string {
  const id = traceIdOf(traceparent);
  return id ? `00-${id}-${hex(8)}-01` : newTraceparent();
}

/** gRPC metadata carrying `traceparent`. */
export function traceMetadata(traceparent: string | undefined): Metadata {
  const md = new Metadata();
  if (traceparent) md.set("traceparent", traceparent);
  return md;
}

/** The traceparent of an incoming gRPC call, if any. */
export function traceparentOf(metadata: Metadata): string | undefined {
  const v = metadata.get("traceparent")[0];
  return isTraceparent(v) ? v : undefined;
}

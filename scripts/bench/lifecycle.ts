/**
 * The reference order lifecycle and its floor: what one order is made of (4 HTTP requests, 5 gRPC
 * calls, 8 KV commits, 10 AMQP deliveries) priced at the primitives' CPU cost measured in the same run.
 *
 * @module
 */

/** The four primitives. */
export const PRIMITIVES = ["http", "grpc", "kv", "amqp"] as const;
/** One of {@linkcode PRIMITIVES}. */
export type Primitive = typeof PRIMITIVES[number];

/** How many of each primitive one reference order lifecycle needs. */
export const REFERENCE_LIFECYCLE: Readonly<Record<Primitive, number>> = { http: 4, grpc: 5, kv: 8, amqp: 10 };

/** What each primitive is, for the table. */
export const PRIMITIVE_LABELS: Readonly<Record<Primitive, string>> = {
  http: "HTTP request (Deno.serve + fetch)",
  grpc: "gRPC unary call (client + server, service token)",
  kv: "KV atomic commit (1 check + 3 sets, file)",
  amqp: "AMQP persistent message (confirm + ack, with broker)",
};

/** CPU ms of the reference lifecycle given each primitive's CPU ms per operation. */
export function lifecycleFloorMs(
  cpuMs: Readonly<Record<Primitive, number>>,
  counts: Readonly<Record<Primitive, number>> = REFERENCE_LIFECYCLE,
): number {
  return PRIMITIVES.reduce((sum, p) => sum + counts[p] * cpuMs[p], 0);
}

/**
 * A minimal client of `grpc.health.v1.Health/Check` on Deno's own `fetch` (HTTP/2 with prior knowledge,
 * no TLS, as gRPC servers here listen), for tools that only need to know whether a server is ready: the
 * dev launcher's start-up wait and the container health probe. It loads no gRPC library and no generated
 * code, so such a tool stays small (grpc-js alone adds about 17 MB of RSS to a Deno process).
 *
 * The two messages are encoded by hand: `HealthCheckRequest { string service = 1; }` and
 * `HealthCheckResponse { ServingStatus status = 1; }`, each in one gRPC frame (a zero compression byte, a
 * 4-byte big-endian length, the message).
 *
 * @module
 */

/** `grpc.health.v1.HealthCheckResponse.ServingStatus` names, by number. */
export const SERVING_STATUS = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const;
/** One of {@linkcode SERVING_STATUS}. */
export type ServingStatusName = typeof SERVING_STATUS[number];

/** Options of {@linkcode checkGrpcHealth}. */
export interface HealthCheckOptions {
  /** The service asked about (default `""`: the whole server). */
  service?: string;
  /** Deadline of the call in ms (default 3000). */
  timeoutMs?: number;
  /** An HTTP/2 client to reuse across checks (default: one made and closed for this check). */
  client?: Deno.HttpClient;
}

/** An HTTP client that speaks HTTP/2 without TLS (what a gRPC health check needs); close it when done. */
export function h2cClient(): Deno.HttpClient {
  return Deno.createHttpClient({ http1: false, http2: true });
}

/** The gRPC frame of a `HealthCheckRequest` for `service`. */
export function encodeHealthRequest(service: string): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode(service);
  const field = name.length === 0 ? [] : [0x0a, ...varint(name.length), ...name];
  return new Uint8Array([0, ...uint32(field.length), ...field]);
}

/** The status in a `HealthCheckResponse` gRPC frame (0, UNKNOWN, when the field is absent). */
export function decodeHealthResponse(frame: Uint8Array): number {
  if (frame.length < 5) throw new Error(`gRPC frame too short (${frame.length} bytes)`);
  if (frame[0] !== 0) throw new Error("gRPC frame is compressed, which this client does not ask for");
  const length = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
  const end = 5 + length;
  if (frame.length < end) throw new Error(`gRPC frame truncated (${frame.length} of ${end} bytes)`);
  let status = 0;
  let at = 5;
  while (at < end) {
    const [tag, afterTag] = readVarint(frame, at);
    const wire = tag & 7;
    if (wire === 0) {
      const [value, next] = readVarint(frame, afterTag);
      if (tag >>> 3 === 1) status = value;
      at = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(frame, afterTag);
      at = next + len;
    } else {
      throw new Error(`unexpected wire type ${wire} in HealthCheckResponse`);
    }
  }
  return status;
}

/**
 * Calls `Health/Check` on `addr` (`host:port`) and resolves with the serving status's name; rejects
 * when the server cannot be reached, answers a gRPC error, or not within the deadline.
 */
export async function checkGrpcHealth(
  addr: string,
  opts: HealthCheckOptions = {},
): Promise<ServingStatusName> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const client = opts.client ?? h2cClient();
  try {
    const res = await fetch(`http://${addr}/grpc.health.v1.Health/Check`, {
      method: "POST",
      client,
      body: encodeHealthRequest(opts.service ?? ""),
      headers: { "content-type": "application/grpc", te: "trailers", "grpc-timeout": `${timeoutMs}m` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const grpcStatus = res.headers.get("grpc-status");
    if (res.status !== 200 || (grpcStatus !== null && grpcStatus !== "0")) {
      const message = decodeURIComponent(res.headers.get("grpc-message") ?? "");
      throw new Error(
        `health check failed: HTTP ${res.status}, grpc-status ${grpcStatus ?? "none"} ${message}`,
      );
    }
    const status = decodeHealthResponse(body);
    return SERVING_STATUS[status] ?? "UNKNOWN";
  } finally {
    if (!opts.client) client.close();
  }
}

function uint32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function readVarint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let at = start;
  while (at < bytes.length) {
    const b = bytes[at++]!;
    value += (b & 127) * 2 ** shift;
    if (b < 128) return [value, at];
    shift += 7;
    if (shift > 49) break;
  }
  throw new Error("malformed varint in HealthCheckResponse");
}

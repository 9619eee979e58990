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
 * {@linkcode checkConnectHealth} asks the same over a service's Connect port instead: plain HTTP/1.1, the
 * message unframed (`application/proto`). Probes that run again and again (the launchers' start-up
 * waits, compose's healthchecks every 5 s) use it, because closing an HTTP/2 client sends the server a
 * GOAWAY, and Deno 2.9.6 can abort a grpc-js server that receives one (denoland/deno#36788, see
 * `services/common/exiting.ts`): a grpc-js server in a Deno process aborted with nghttp2's
 * `find_stream_on_goaway_func` assertion after about 280 `checkGrpcHealth` probes, each with its own
 * client, four at a time (300 one after another did not). HTTP/1.1 has no GOAWAY.
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

/** A `HealthCheckRequest` message for `service` (unframed, as Connect sends it). */
export function encodeHealthMessage(service: string): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode(service);
  return new Uint8Array(name.length === 0 ? [] : [0x0a, ...varint(name.length), ...name]);
}

/** The gRPC frame of a `HealthCheckRequest` for `service`. */
export function encodeHealthRequest(service: string): Uint8Array<ArrayBuffer> {
  const field = encodeHealthMessage(service);
  return new Uint8Array([0, ...uint32(field.length), ...field]);
}

/** The status in a `HealthCheckResponse` gRPC frame (0, UNKNOWN, when the field is absent). */
export function decodeHealthResponse(frame: Uint8Array): number {
  if (frame.length < 5) throw new Error(`gRPC frame too short (${frame.length} bytes)`);
  if (frame[0] !== 0) throw new Error("gRPC frame is compressed, which this client does not ask for");
  const length = new DataView(frame.buffer, frame.byteOffset).getUint32(1);
  const end = 5 + length;
  if (frame.length < end) throw new Error(`gRPC frame truncated (${frame.length} of ${end} bytes)`);
  return decodeHealthMessage(frame.subarray(5, end));
}

/** The status in a `HealthCheckResponse` message (unframed; 0, UNKNOWN, when the field is absent). */
export function decodeHealthMessage(message: Uint8Array): number {
  const end = message.length;
  let status = 0;
  let at = 0;
  while (at < end) {
    const [tag, afterTag] = readVarint(message, at);
    const wire = tag & 7;
    if (wire === 0) {
      const [value, next] = readVarint(message, afterTag);
      if (tag >>> 3 === 1) status = value;
      at = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(message, afterTag);
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

/**
 * Calls `Health/Check` over the Connect protocol on `addr` (`host:port` of a service's Connect port, plain
 * HTTP/1.1) and resolves with the serving status's name; rejects when the server cannot be reached,
 * answers an error, or not within the deadline. `opts.client` is not used (no HTTP/2 is needed).
 */
export async function checkConnectHealth(
  addr: string,
  opts: Omit<HealthCheckOptions, "client"> = {},
): Promise<ServingStatusName> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const res = await fetch(`http://${addr}/grpc.health.v1.Health/Check`, {
    method: "POST",
    body: encodeHealthMessage(opts.service ?? ""),
    headers: {
      "content-type": "application/proto",
      "connect-protocol-version": "1",
      "connect-timeout-ms": String(timeoutMs),
    },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) {
    let why = new TextDecoder().decode(body.subarray(0, 300));
    try {
      const err = JSON.parse(why) as { code?: string; message?: string };
      why = `${err.code ?? "unknown"} ${err.message ?? ""}`.trim();
    } catch {
      // not Connect's JSON error: keep the text
    }
    throw new Error(`health check failed: HTTP ${res.status} ${why}`);
  }
  return SERVING_STATUS[decodeHealthMessage(body)] ?? "UNKNOWN";
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

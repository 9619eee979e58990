/**
 * The Connect protocol (https://connectrpc.com/docs/protocol), the parts OMS speaks between its own
 * processes: unary and server-streaming calls, binary Protobuf only, over plain HTTP/1.1 — which Deno
 * serves and fetches natively (`Deno.serve`, `fetch`), where gRPC needs HTTP/2 trailers that
 * `Deno.serve` cannot send and so runs on Node's `http2` compatibility layer at about three times the
 * CPU per call.
 *
 * - Unary: `POST /<package.Service>/<Method>`, `Content-Type: application/proto`, the message as the
 *   body; success is `200` with the response message; failure a non-200 status with a JSON body
 *   `{"code": "not_found", "message": "..."}`, its metadata in headers prefixed `trailer-`.
 * - Server streaming: `Content-Type: application/connect+proto`; request and response bodies are
 *   enveloped messages (a flags byte, a 4-byte big-endian length, the bytes); the response ends with an
 *   end-of-stream envelope (flag `0x02`) holding JSON `{"error"?: {...}, "metadata"?: {...}}`.
 * - Metadata travels as headers; keys ending `-bin` carry base64 (gRPC's convention, kept by Connect).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Metadata, status as Code } from "@grpc/grpc-js";

/** Content type of a unary call's messages. */
export const UNARY_TYPE = "application/proto";
/** Content type of a streaming call's enveloped messages. */
export const STREAM_TYPE = "application/connect+proto";
/** The deadline header: milliseconds the caller waits. */
export const TIMEOUT_HEADER = "connect-timeout-ms";
/** The protocol version header every Connect request carries. */
export const VERSION_HEADER = "connect-protocol-version";
/** The largest message accepted either way (grpc-js's default receive limit, 4 MiB). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The longest delay a timer takes (a longer one would fire at once): longer deadlines are none. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The envelope flag of the end-of-stream message. */
export const END_STREAM_FLAG = 0x02;

/** gRPC status code -> Connect code name. */
const NAMES: Record<number, string> = {
  [Code.CANCELLED]: "canceled",
  [Code.UNKNOWN]: "unknown",
  [Code.INVALID_ARGUMENT]: "invalid_argument",
  [Code.DEADLINE_EXCEEDED]: "deadline_exceeded",
  [Code.NOT_FOUND]: "not_found",
  [Code.ALREADY_EXISTS]: "already_exists",
  [Code.PERMISSION_DENIED]: "permission_denied",
  [Code.RESOURCE_EXHAUSTED]: "resource_exhausted",
  [Code.FAILED_PRECONDITION]: "failed_precondition",
  [Code.ABORTED]: "aborted",
  [Code.OUT_OF_RANGE]: "out_of_range",
  [Code.UNIMPLEMENTED]: "unimplemented",
  [Code.INTERNAL]: "internal",
  [Code.UNAVAILABLE]: "unavailable",
  [Code.DATA_LOSS]: "data_loss",
  [Code.UNAUTHENTICATED]: "unauthenticated",
};
const CODES = new Map(Object.entries(NAMES).map(([code, name]) => [name, Number(code)]));

/** gRPC status code -> the HTTP status of a unary error (the protocol's table). */
const HTTP_STATUS: Record<number, number> = {
  [Code.CANCELLED]: 499,
  [Code.UNKNOWN]: 500,
  [Code.INVALID_ARGUMENT]: 400,
  [Code.DEADLINE_EXCEEDED]: 504,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.PERMISSION_DENIED]: 403,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.ABORTED]: 409,
  [Code.OUT_OF_RANGE]: 400,
  [Code.UNIMPLEMENTED]: 501,
  [Code.INTERNAL]: 500,
  [Code.UNAVAILABLE]: 503,
  [Code.DATA_LOSS]: 500,
  [Code.UNAUTHENTICATED]: 401,
};

/** The Connect name of gRPC status `code` ("unknown" for a code outside the table). */
export function codeName(code: number): string {
  return NAMES[code] ?? "unknown";
}

/** The gRPC status code of Connect code `name`, or undefined for a name outside the table. */
export function codeOf(name: unknown): number | undefined {
  return typeof name === "string" ? CODES.get(name) : undefined;
}

/** The HTTP status a unary error with gRPC `code` is sent with. */
export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** The code of an error response without a usable body, from its HTTP status (the protocol's table). */
export function codeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return Code.INTERNAL;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

/** Headers that are the protocol's or HTTP's own, never metadata. */
const RESERVED = new Set([
  "accept",
  "accept-encoding",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "date",
  "host",
  "keep-alive",
  "te",
  "transfer-encoding",
  "user-agent",
  "vary",
  TIMEOUT_HEADER,
  VERSION_HEADER,
]);

/** Whether header `name` (lower case) is carried as metadata. */
export function isMetadataHeader(name: string): boolean {
  return !RESERVED.has(name) && !name.startsWith("connect-") && !name.startsWith("grpc-");
}

/** Sets `metadata`'s entries on `headers` (`-bin` values as base64), optionally with a key prefix. */
export function writeMetadata(headers: Headers, metadata: Metadata, prefix = ""): void {
  for (const [key, value] of metadataHeaders(metadata, [])) headers.append(prefix + key, value);
}

/** `metadata`'s entries as header pairs (`-bin` values as base64), appended to `out`. */
export function metadataHeaders(metadata: Metadata, out: [string, string][]): [string, string][] {
  for (const [key, values] of Object.entries(metadata.toHttp2Headers())) {
    if (!isMetadataHeader(key)) continue;
    if (Array.isArray(values)) { for (const v of values) out.push([key, String(v)]); }
    else out.push([key, String(values)]);
  }
  return out;
}

/**
 * The metadata in `headers`: the non-reserved ones without `prefix` when none is given, else only those
 * starting with `prefix` (which is removed). A `-bin` header's comma-separated base64 values are decoded.
 */
export function readMetadata(headers: Headers, prefix?: string): Metadata {
  const metadata = new Metadata();
  for (const [rawKey, value] of headers) {
    let key = rawKey;
    if (prefix !== undefined) {
      if (!key.startsWith(prefix)) continue;
      key = key.slice(prefix.length);
    } else if (key.startsWith("trailer-")) continue;
    if (!isMetadataHeader(key)) continue;
    addValue(metadata, key, value);
  }
  return metadata;
}

function addValue(metadata: Metadata, key: string, value: string): void {
  try {
    if (key.endsWith("-bin")) {
      for (const part of value.split(",")) metadata.add(key, Buffer.from(part.trim(), "base64"));
    } else metadata.add(key, value);
  } catch {
    // a key grpc-js's Metadata refuses (not a legal metadata key): not metadata, dropped
  }
}

/** A call's failure as both ends see it. */
export interface ConnectError {
  /** gRPC status code. */
  code: number;
  /** The message for people. */
  message: string;
  /** Metadata sent with the error (e.g. OMS's typed error detail). */
  metadata: Metadata;
}

/** The JSON an error is sent as (the body of a unary error, the `error` of an end-of-stream). */
export function errorJson(err: Pick<ConnectError, "code" | "message">): { code: string; message: string } {
  return { code: codeName(err.code), message: err.message };
}

/** Metadata as the JSON object of an end-of-stream message (`{key: [values]}`, `-bin` as base64). */
export function metadataJson(metadata: Metadata): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(metadata.toHttp2Headers())) {
    if (!isMetadataHeader(key)) continue;
    out[key] = (Array.isArray(values) ? values : [values]).map(String);
  }
  return out;
}

/** Metadata from an end-of-stream message's `metadata` object (anything malformed is skipped). */
export function metadataFromJson(json: unknown): Metadata {
  const metadata = new Metadata();
  if (!json || typeof json !== "object") return metadata;
  for (const [key, values] of Object.entries(json as Record<string, unknown>)) {
    if (!isMetadataHeader(key.toLowerCase()) || !Array.isArray(values)) continue;
    for (const v of values) if (typeof v === "string") addValue(metadata, key.toLowerCase(), v);
  }
  return metadata;
}

/** The error described by a Connect error JSON, or by `fallbackCode` when it is not one. */
export function errorFromJson(json: unknown, fallbackCode: number, metadata: Metadata): ConnectError {
  const obj = json && typeof json === "object" ? json as Record<string, unknown> : {};
  const code = codeOf(obj.code) ?? fallbackCode;
  const message = typeof obj.message === "string" ? obj.message : codeName(code);
  return { code, message, metadata };
}

/** `data` in an envelope with `flags`. */
export function envelope(flags: number, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(5 + data.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.length);
  out.set(data, 5);
  return out;
}

/** One envelope read from a stream. */
export interface Envelope {
  flags: number;
  data: Uint8Array;
}

/** Thrown when enveloped data breaks the framing or a size limit. */
export class FramingError extends Error {}

/**
 * Reads envelopes from chunks as they arrive: {@linkcode push} a chunk, get every envelope it
 * completes. An envelope announcing more than `maxBytes` throws {@linkcode FramingError}.
 */
export class EnvelopeReader {
  /** Bytes received and not yet returned, as they came (joined only once an envelope is complete). */
  #chunks: Uint8Array[] = [];
  #size = 0;
  readonly #max: number;

  /** A reader refusing envelopes over `maxBytes`. */
  constructor(maxBytes = MAX_MESSAGE_BYTES) {
    this.#max = maxBytes;
  }

  /** True when part of an envelope is waiting for more bytes. */
  get pending(): boolean {
    return this.#size > 0;
  }

  /** Adds `chunk`; returns the envelopes now complete, in order. */
  push(chunk: Uint8Array): Envelope[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    const out: Envelope[] = [];
    while (this.#size >= 5) {
      const head = this.#peek(5);
      const len = new DataView(head.buffer, head.byteOffset, 5).getUint32(1);
      if (len > this.#max) {
        throw new FramingError(`message of ${len} bytes exceeds the ${this.#max} byte limit`);
      }
      if (this.#size < 5 + len) break;
      const whole = this.#take(5 + len);
      out.push({ flags: whole[0]!, data: whole.subarray(5) });
    }
    return out;
  }

  /** The first `n` bytes (n <= size), joining the first chunks into one when they are split. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first;
    const joined = this.#take(this.#size);
    this.#chunks = [joined];
    this.#size = joined.length;
    return joined;
  }

  /** Removes and returns the first `n` bytes (n <= size), copying once when they span chunks. */
  #take(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.#chunks[0]!;
        const part = Math.min(c.length, n - at);
        out.set(c.subarray(0, part), at);
        at += part;
        if (part === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(part);
      }
    }
    this.#size -= n;
    return out;
  }
}

/**
 * Reads the body of `message` (a request or response) whole, refusing more than `maxBytes` with
 * {@linkcode FramingError}: a declared `Content-Length` over it before reading anything, a chunked body
 * as soon as it passes it. With a length within the limit, one native read.
 */
export async function readBody(message: Request | Response, maxBytes: number): Promise<Uint8Array> {
  const declared = message.headers.get("content-length");
  if (declared !== null && /^\d{1,10}$/.test(declared)) {
    if (Number(declared) > maxBytes) {
      await message.body?.cancel().catch(() => {});
      throw new FramingError(`message of ${declared} bytes exceeds the ${maxBytes} byte limit`);
    }
    return await message.bytes();
  }
  return await readLimited(message.body, maxBytes);
}

/**
 * Reads `body` whole, refusing more than `maxBytes` with {@linkcode FramingError} (without reading
 * further).
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new FramingError(`message exceeds the ${maxBytes} byte limit`);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

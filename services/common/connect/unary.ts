/**
 * One unary Connect call on `fetch`: the request's bytes out, the response's bytes or its status back.
 * Used by {@linkcode ConnectChannel}'s calls and directly by `rpc()`, which skips grpc-js's client stack
 * for Connect clients (its interceptor chain and call objects cost about as much CPU as the HTTP call).
 *
 * @module
 */
import { Metadata, status as Code, type StatusObject } from "@grpc/grpc-js";
import type { ConnectChannel } from "./channel.ts";
import {
  codeOfHttpStatus,
  errorFromJson,
  FramingError,
  MAX_MESSAGE_BYTES,
  MAX_TIMER_MS,
  metadataHeaders,
  readBody,
  readLimited,
  readMetadata,
  TIMEOUT_HEADER,
  UNARY_TYPE,
  VERSION_HEADER,
} from "./protocol.ts";

/** The largest error body read. */
const MAX_ERROR_BYTES = 64 * 1024;
const decoder = new TextDecoder();

/** What a unary call ended with: the response message's bytes, or a status other than OK. */
export type UnaryOutcome =
  | { ok: true; bytes: Uint8Array; metadata: Metadata }
  | { ok: false; status: StatusObject };

/** A status with no metadata. */
export function failure(code: number, details: string): { ok: false; status: StatusObject } {
  return { ok: false, status: { code, details, metadata: new Metadata() } };
}

/**
 * The request headers of a call whose body is `type` (`UNARY_TYPE` or `STREAM_TYPE`), carrying `metadata`,
 * with `timeoutMs` as its deadline (none past a timer's range).
 */
export function requestHeaders(type: string, metadata: Metadata, timeoutMs: number): [string, string][] {
  const headers: [string, string][] = [["content-type", type], [VERSION_HEADER, "1"]];
  if (timeoutMs <= MAX_TIMER_MS) headers.push([TIMEOUT_HEADER, String(Math.max(1, Math.ceil(timeoutMs)))]);
  metadataHeaders(metadata, headers);
  return headers;
}

/**
 * Calls `path` on `channel` with `body` and `headers`, giving up after `timeoutMs` (DEADLINE_EXCEEDED)
 * or when `signal` aborts (CANCELLED). Never rejects.
 */
export async function callUnary(
  channel: ConnectChannel,
  path: string,
  body: Uint8Array,
  headers: HeadersInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<UnaryOutcome> {
  if (!channel.client) return failure(Code.UNAVAILABLE, "The channel is closed");
  if (timeoutMs <= 0) return failure(Code.DEADLINE_EXCEEDED, "Deadline exceeded");
  const ac = new AbortController();
  let why: UnaryOutcome | undefined;
  const timer = timeoutMs <= MAX_TIMER_MS
    ? setTimeout(() => {
      why = failure(Code.DEADLINE_EXCEEDED, "Deadline exceeded");
      ac.abort();
    }, timeoutMs)
    : undefined;
  const onAbort = () => {
    why ??= failure(Code.CANCELLED, "Cancelled on client");
    ac.abort();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let res: Response;
    try {
      res = await channel.post(path, headers, body, ac.signal, false);
    } catch (err) {
      if (why) return why;
      channel.reached(false);
      const reason = err instanceof Error ? err.message : String(err);
      return failure(Code.UNAVAILABLE, `No connection to ${channel.getTarget()}: ${reason}`);
    }
    channel.reached(true);
    try {
      if (res.status !== 200) return await failedResponse(res);
      if (res.headers.get("content-type")?.split(";")[0] !== UNARY_TYPE) {
        await res.body?.cancel();
        return failure(Code.INTERNAL, `Unexpected response content type from ${path}`);
      }
      // (trailers of a success are not read: OMS's servers send none)
      return { ok: true, bytes: await readBody(res, MAX_MESSAGE_BYTES), metadata: new Metadata() };
    } catch (err) {
      if (why) return why;
      if (err instanceof FramingError) return failure(Code.RESOURCE_EXHAUSTED, err.message);
      const reason = err instanceof Error ? err.message : String(err);
      return failure(Code.UNAVAILABLE, `The response from ${channel.getTarget()} broke off: ${reason}`);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** The status of a non-200 response: its JSON error when it has one, else one from the HTTP status. */
export async function failedResponse(res: Response): Promise<{ ok: false; status: StatusObject }> {
  const trailers = readMetadata(res.headers, "trailer-");
  let json: unknown;
  try {
    if (res.headers.get("content-type")?.startsWith("application/json")) {
      json = JSON.parse(decoder.decode(await readLimited(res.body, MAX_ERROR_BYTES)));
    } else await res.body?.cancel();
  } catch {
    json = undefined;
  }
  const err = errorFromJson(json, codeOfHttpStatus(res.status), trailers);
  return { ok: false, status: { code: err.code, details: err.message, metadata: err.metadata } };
}

/**
 * The worker that decodes and resizes photos (see `codec.ts` and `resizer.ts`), so that a large
 * photo never holds up the thread answering requests. It answers each {@linkcode ResizeRequest} with
 * one {@linkcode ResizeReply} of the same `id`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { decodeSize, resizeTo } from "./codec.ts";
import type { PhotoType } from "./image_type.ts";

/** A job for the worker. */
export type ResizeRequest =
  | { id: number; op: "size"; bytes: Uint8Array }
  | { id: number; op: "resize"; bytes: Uint8Array; type: PhotoType; width: number };

/** The worker's answer. */
export type ResizeReply =
  | { id: number; ok: true; bytes?: Uint8Array; width: number; height: number }
  | { id: number; ok: false; message: string };

self.onmessage = async (e: MessageEvent<ResizeRequest>) => {
  const job = e.data;
  let reply: ResizeReply;
  try {
    if (job.op === "size") reply = { id: job.id, ok: true, ...await decodeSize(job.bytes) };
    else reply = { id: job.id, ok: true, ...await resizeTo(job.bytes, job.type, job.width) };
  } catch (err) {
    reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply, reply.ok && reply.bytes ? [reply.bytes.buffer as ArrayBuffer] : []);
};

/**
 * Coalesces what is written to a socket in one turn of the event loop into one native write.
 *
 * amqplib writes each frame to the connection's socket as a chunk of its own (its `Mux` moves the
 * channels' frames one `write` at a time: a publish, an ack, a confirm select...), and node:net makes
 * each `write` a syscall of its own. {@linkcode coalesceWrites} corks the stream at the first write of a
 * turn and uncorks it in a microtask: the writes in between reach node:net's `_writev` as one batch, one
 * `writev` syscall. The order of the chunks is the order of the writes; `write` still answers false once
 * the stream's high-water mark is passed (the `Mux` then waits for `drain`, which follows the flush),
 * and no write is held past the turn it was made in.
 *
 * @module
 */
import { Writable } from "node:stream";
import type { ChannelModel } from "amqplib";

const COALESCING = Symbol("oms.coalescingWrites");

interface Marked {
  [COALESCING]?: true;
}

/**
 * Makes `stream` hand the writes of one turn to its `_writev` at once (cork at the turn's first write,
 * uncork in a microtask). Returns false if it was already so.
 */
export function coalesceWrites(stream: Writable): boolean {
  const marked = stream as Writable & Marked;
  if (marked[COALESCING]) return false;
  marked[COALESCING] = true;
  const write = stream.write;
  let corked = false;
  const flush = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Writable, ...args: Parameters<Writable["write"]>): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      queueMicrotask(flush);
    }
    return write.apply(this, args);
  } as Writable["write"];
  return true;
}

/**
 * The socket under amqplib connection `model` (amqplib keeps it as `connection.stream`, untyped), or
 * undefined when there is none (a stand-in connection in tests).
 */
export function socketOf(model: ChannelModel): Writable | undefined {
  const connection = (model as { connection?: unknown }).connection;
  if (typeof connection !== "object" || connection === null) return undefined;
  const stream = (connection as { stream?: unknown }).stream;
  return stream instanceof Writable ? stream : undefined;
}

/** Coalesces the socket writes of amqplib connection `model` (see {@linkcode coalesceWrites}). */
export function coalesceConnectionWrites(model: ChannelModel): boolean {
  const socket = socketOf(model);
  return socket ? coalesceWrites(socket) : false;
}

/**
 * The main thread's side of the photo worker (`resize_worker.ts`): {@linkcode Resizer} starts the
 * worker on the first job, hands it jobs one message each, and ends it after a quiet minute (or on
 * {@linkcode Resizer.close}), so an idle gateway holds no worker and no memory for decoded photos.
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import type { PhotoType } from "./image_type.ts";
import type { ResizeReply, ResizeRequest } from "./resize_worker.ts";

/** How long an idle worker is kept, in milliseconds. */
export const IDLE_MS = 60_000;

type Job = { op: "size"; bytes: Uint8Array } | {
  op: "resize";
  bytes: Uint8Array;
  type: PhotoType;
  width: number;
};

/** Thrown when the worker could not decode or encode an image; the message is the codec's. */
export class CodecError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CodecError";
  }
}

/** Runs decode and resize jobs in one worker. */
export class Resizer {
  #worker: Worker | null = null;
  #nextId = 1;
  #pending = new Map<number, PromiseWithResolvers<ResizeReply>>();
  #idle: ReturnType<typeof setTimeout> | undefined;

  /** The size of the image in `bytes`, after decoding it in full; throws {@linkcode CodecError}. */
  async size(bytes: Uint8Array): Promise<{ width: number; height: number }> {
    const { width, height } = await this.#run({ op: "size", bytes });
    return { width, height };
  }

  /** `bytes` scaled down to `width` (never up) as `type`; throws {@linkcode CodecError}. */
  async resize(bytes: Uint8Array, type: PhotoType, width: number): Promise<Encoded> {
    const reply = await this.#run({ op: "resize", bytes, type, width });
    return { bytes: reply.bytes ?? new Uint8Array(), width: reply.width, height: reply.height };
  }

  /** Ends the worker (jobs still running fail). */
  close(): void {
    clearTimeout(this.#idle);
    this.#worker?.terminate();
    this.#worker = null;
    for (const p of this.#pending.values()) p.reject(new CodecError("The photo worker was stopped"));
    this.#pending.clear();
  }

  async #run(job: Job): Promise<Extract<ResizeReply, { ok: true }>> {
    const id = this.#nextId++;
    const done = Promise.withResolvers<ResizeReply>();
    this.#pending.set(id, done);
    clearTimeout(this.#idle);
    this.#start().postMessage({ id, ...job } satisfies ResizeRequest);
    try {
      const reply = await done.promise;
      if (!reply.ok) throw new CodecError(reply.message);
      return reply;
    } finally {
      this.#pending.delete(id);
      if (this.#pending.size === 0 && this.#worker) {
        const idle = setTimeout(() => this.close(), IDLE_MS);
        Deno.unrefTimer(idle);
        this.#idle = idle;
      }
    }
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./resize_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<ResizeReply>) => this.#pending.get(e.data.id)?.resolve(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const why = new CodecError(`The photo worker failed: ${e.message}`);
      for (const p of this.#pending.values()) p.reject(why);
      this.#pending.clear();
      worker.terminate();
      if (this.#worker === worker) this.#worker = null;
    };
    this.#worker = worker;
    return worker;
  }
}

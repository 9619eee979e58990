/**
 * Dead letters: messages that could not be processed are parked in the consuming service's own store
 * under `["dead_letters", id]`, where the DeadLettersService RPCs list, replay and discard them.
 *
 * Why the store and not a RabbitMQ queue: listing a queue without consuming it needs get-and-requeue
 * cycles that reorder messages and bump redelivery flags; a KV record is listed, replayed and discarded
 * exactly, and works the same on the in-memory fallback.
 *
 * @module
 */
import { RpcError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { unary } from "../grpc_handler.ts";
import type { ServedService } from "../grpc_server.ts";
import {
  type DeadLettersServiceServer,
  DeadLettersServiceService,
} from "../gen/oms/deadletters/v1/deadletters.ts";
import type { DeadLetterRecord } from "./types.ts";
import type { Transport, WireMessage } from "./transport.ts";

/** The KV prefix of parked messages. */
export const DEAD_LETTER_PREFIX: Deno.KvKey = ["dead_letters"];

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Parks `message` with `reason`; the id is the message id (or a new one), so parking twice keeps one. */
export async function park(
  kv: Deno.Kv,
  service: string,
  message: WireMessage,
  reason: string,
): Promise<DeadLetterRecord> {
  const record: DeadLetterRecord = {
    id: message.id || `nomsgid-${crypto.randomUUID()}`,
    messageId: message.id,
    routingKey: message.routingKey,
    payload: decoder.decode(message.body).slice(0, 64 * 1024),
    reason,
    attempts: message.attempt,
    parkedAt: new Date(),
    service,
    ...(message.traceparent ? { traceparent: message.traceparent } : {}),
    ...(message.userId ? { userId: message.userId } : {}),
  };
  await kv.set([...DEAD_LETTER_PREFIX, record.id], record);
  return record;
}

/** Lists parked messages, oldest id first. */
export async function listDeadLetters(kv: Deno.Kv, limit = 100): Promise<DeadLetterRecord[]> {
  const out: DeadLetterRecord[] = [];
  for await (const e of kv.list<DeadLetterRecord>({ prefix: DEAD_LETTER_PREFIX }, { limit })) {
    out.push(e.value);
  }
  return out;
}

/** The DeadLettersService implementation for one consuming service. */
export function deadLettersService(opts: {
  kv: Deno.Kv;
  service: string;
  queue: string;
  transport: () => Transport | undefined;
  log: Logger;
}): ServedService {
  const { kv, log } = opts;
  const get = async (id: string) => {
    if (!id) throw new RpcError("invalid_argument", "Dead letter id is required", { field: "id" });
    const entry = await kv.get<DeadLetterRecord>([...DEAD_LETTER_PREFIX, id]);
    if (!entry.value) throw new RpcError("not_found", `Dead letter "${id}" not found`, { field: "id" });
    return entry;
  };
  const implementation: DeadLettersServiceServer = {
    listDeadLetters: unary(log, async (req) => {
      const limit = req.limit > 0 ? Math.min(req.limit, 500) : 100;
      const items = await listDeadLetters(kv, limit);
      return { deadLetters: items.map((d) => ({ ...d, parkedAt: d.parkedAt })) };
    }),
    replayDeadLetter: unary(log, async (req) => {
      const entry = await get(req.id);
      const t = opts.transport();
      if (!t) throw new RpcError("unavailable", "The message bus is not connected");
      const d = entry.value!;
      await t.sendToQueue(opts.queue, {
        id: d.messageId || d.id,
        routingKey: d.routingKey,
        body: new TextEncoder().encode(d.payload),
        attempt: 1,
        ...(d.traceparent ? { traceparent: d.traceparent } : {}),
        // replayed by this service's user, on behalf of the original publisher (checked again)
        ...(d.userId ? { originalUserId: d.userId } : {}),
      });
      await kv.atomic().check(entry).delete(entry.key).commit();
      log.info("dead letter replayed", { id: d.id, routingKey: d.routingKey });
      return {};
    }),
    discardDeadLetter: unary(log, async (req) => {
      const entry = await get(req.id);
      await kv.atomic().check(entry).delete(entry.key).commit();
      log.info("dead letter discarded", { id: req.id });
      return {};
    }),
  };
  return {
    definition: DeadLettersServiceService,
    name: "oms.deadletters.v1.DeadLettersService",
    implementation: implementation as unknown as ServedService["implementation"],
  };
}

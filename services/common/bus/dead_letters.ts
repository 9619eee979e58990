/**
 * Dead letters: messages that could not be processed are parked in the consuming service's own store
 * under `["dead_letters", id]`, where the DeadLettersService RPCs list, replay and discard them.
 *
 * Why the store and not a RabbitMQ queue: listing a queue without consuming it needs get-and-requeue
 * cycles that reorder messages and bump redelivery flags; a KV record is listed, replayed and discarded
 * exactly, and works the same on the in-memory fallback.
 *
 * ReplayDeadLetter and DiscardDeadLetter are staff-only: without a valid staff claim (`x-oms-staff`,
 * signed by web) they answer PERMISSION_DENIED and leave the dead letter where it is. Listing needs
 * only the service token.
 *
 * @module
 */
import { requireStaff } from "../auth/require_staff.ts";
import type { StaffClaims } from "../auth/staff_claim.ts";
import { RpcError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { unary } from "../grpc_handler.ts";
import type { ServedService } from "../grpc_server.ts";
import {
  type DeadLettersServiceServer,
  DeadLettersServiceService,
} from "../gen/oms/deadletters/v1/deadletters.ts";
import { parkedRecord } from "./parked_record.ts";
import type { DeadLetterRecord } from "./types.ts";
import type { Transport, WireMessage } from "./transport.ts";

/** The KV prefix of parked messages. */
export const DEAD_LETTER_PREFIX: Deno.KvKey = ["dead_letters"];

/**
 * Parks `message` with `reason`; the id is the message id (or a new one), so parking twice keeps one.
 * The record is bounded ({@linkcode parkedRecord}: a huge body keeps its start, size and hash), so the
 * write never fails on size; it can still fail when the store itself fails, and then this throws.
 */
export async function park(
  kv: Deno.Kv,
  service: string,
  message: WireMessage,
  reason: string,
): Promise<DeadLetterRecord> {
  const record = await parkedRecord(service, message, reason);
  await kv.set([...DEAD_LETTER_PREFIX, record.id], record);
  return record;
}

/** Lists parked messages, oldest id first. */
export async function listDeadLetters(kv: Deno.Kv, limit = 100): Promise<DeadLetterRecord[]> {
  return (await listDeadLetterPage(kv, limit)).items;
}

/** Up to `limit` parked messages (oldest id first) and whether more are parked beyond them. */
export async function listDeadLetterPage(
  kv: Deno.Kv,
  limit = 100,
): Promise<{ items: DeadLetterRecord[]; more: boolean }> {
  const items: DeadLetterRecord[] = [];
  let more = false;
  for await (const e of kv.list<DeadLetterRecord>({ prefix: DEAD_LETTER_PREFIX }, { limit: limit + 1 })) {
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(e.value);
  }
  return { items, more };
}

/** The DeadLettersService implementation for one consuming service. */
export function deadLettersService(opts: {
  kv: Deno.Kv;
  service: string;
  queue: string;
  transport: () => Transport | undefined;
  /** Verifies the staff claim of replay and discard (keyed from the service token). */
  staffClaims: StaffClaims;
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
      const { items, more } = await listDeadLetterPage(kv, limit);
      return {
        deadLetters: items.map((d) => ({
          ...d,
          sizeBytes: d.sizeBytes ?? 0,
          sha256: d.sha256 ?? "",
          truncated: d.truncated ?? false,
        })),
        more,
      };
    }),
    replayDeadLetter: unary(log, async (req, call) => {
      const staff = requireStaff(opts.staffClaims, call.metadata, "Replaying a dead letter");
      const entry = await get(req.id);
      const t = opts.transport();
      if (!t) throw new RpcError("unavailable", "The message bus is not connected");
      const d = entry.value!;
      if (d.truncated) {
        throw new RpcError(
          "illegal_transition",
          `Dead letter "${d.id}" keeps only the start of its ${
            d.sizeBytes ?? "?"
          }-byte body; it cannot be replayed`,
          { field: "id" },
        );
      }
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
      log.info("dead letter replayed", { id: d.id, routingKey: d.routingKey, staff: staff.sub });
      return {};
    }),
    discardDeadLetter: unary(log, async (req, call) => {
      const staff = requireStaff(opts.staffClaims, call.metadata, "Discarding a dead letter");
      const entry = await get(req.id);
      await kv.atomic().check(entry).delete(entry.key).commit();
      log.info("dead letter discarded", { id: req.id, staff: staff.sub });
      return {};
    }),
  };
  return {
    definition: DeadLettersServiceService,
    name: "oms.deadletters.v1.DeadLettersService",
    implementation: implementation as unknown as ServedService["implementation"],
  };
}

/**
 * The AMQP floor: one persistent message published with a publisher confirm to a durable quorum queue
 * (the type the services' queues have, see `services/common/bus/queue_arguments.ts`),
 * consumed and acknowledged (`lanes` messages in flight); the broker's CPU (its `beam.smp` process) counts with this
 * process's (publisher + consumer). The connection's socket writes are coalesced per turn and sent without
 * Nagle's delay, as the services' are (`services/common/bus/socket_coalescing.ts`, `connectOptions` in
 * `failover_connection.ts`), so the floor is the primitive at its cheapest.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import amqp from "amqplib";
import { connectOptions } from "../../../services/common/bus/failover_connection.ts";
import { coalesceConnectionWrites } from "../../../services/common/bus/socket_coalescing.ts";
import { measureCpuPerOp, type PrimitiveCost } from "./measure.ts";

/** CPU ms of one message (publisher + consumer + broker) over `ops` messages, `lanes` in flight. */
export async function amqpFloor(
  url: string,
  brokerPid: number,
  ops: number,
  lanes = 1,
): Promise<PrimitiveCost> {
  const conn = await amqp.connect(url, connectOptions(10_000));
  coalesceConnectionWrites(conn);
  const queue = `oms-bench-floor-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const pub = await conn.createConfirmChannel();
    const sub = await conn.createChannel();
    await pub.assertQueue(queue, {
      durable: true,
      autoDelete: false,
      arguments: { "x-queue-type": "quorum" },
    });
    await sub.prefetch(Math.max(16, lanes));
    const waiting = new Map<string, () => void>();
    await sub.consume(queue, (m) => {
      if (!m) return;
      sub.ack(m);
      const id = String(m.properties.messageId);
      waiting.get(id)?.();
      waiting.delete(id);
    }, { noAck: false });
    const content = Buffer.from(JSON.stringify({ orderId: "o-1", amountMinor: 1800 }));
    return await measureCpuPerOp(async (i) => {
      const consumed = new Promise<void>((r) => waiting.set(`m-${i}`, r));
      await new Promise<void>((resolve, reject) =>
        pub.sendToQueue(queue, content, {
          persistent: true,
          messageId: `m-${i}`,
          contentType: "application/json",
        }, (err) => err ? reject(err) : resolve())
      );
      await consumed;
    }, { ops, warmup: Math.min(200, ops), lanes, otherPids: [brokerPid] });
  } finally {
    try {
      const ch = await conn.createChannel();
      await ch.deleteQueue(queue);
    } catch {
      // the broker cleans up nothing here; a leftover empty queue is harmless
    }
    await conn.close().catch(() => {});
  }
}

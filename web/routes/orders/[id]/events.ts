/**
 * `GET /orders/{id}/events`: server-sent events for the order page. Polls `Orders.GetOrder` every
 * second and sends `event: order` with the order's JSON whenever it changed (the first one at once);
 * a comment every 15 s keeps proxies from closing the stream. The stream ends when the order reaches
 * a final status, when it is not this customer's (`event: gone`), after ten minutes (the browser
 * reconnects), or when the browser goes away (the server cancels the body stream).
 *
 * @module
 */
import { toApiError } from "../../../api/errors.ts";
import { orderJson } from "../../../api/order_json.ts";
import type { ShopState } from "../../../customer.ts";
import type { Handlers } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { isTerminal } from "../../../lib/order_view.ts";

/** How often the order is read, in milliseconds. */
export const POLL_MS = 1000;
/** Longest life of one stream, in milliseconds. */
export const MAX_STREAM_MS = 10 * 60 * 1000;
const KEEP_ALIVE_MS = 15_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event stream. */
export const handler: Handlers<unknown, ShopState> = {
  GET(ctx) {
    const orderId = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(orderId)) return ctx.renderNotFound();
    const { customerId } = ctx.state;
    const { orders } = gatewayFor(ctx.hono, ctx.deps);
    const encoder = new TextEncoder();
    let closed = false;
    let wake: (() => void) | null = null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const close = () => {
      closed = true;
      wake?.();
    };

    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => {
          if (!closed) controller.enqueue(encoder.encode(text));
        };
        const started = Date.now();
        let quietSince = started;
        let last = "";
        send("retry: 3000\n\n");
        while (!closed) {
          try {
            const json = orderJson(await orders.get(customerId, orderId));
            const text = JSON.stringify(json);
            if (text !== last) {
              last = text;
              send(`event: order\ndata: ${text}\n\n`);
              quietSince = Date.now();
            }
            if (isTerminal(json.status)) break;
          } catch (err) {
            const e = toApiError(err, "orders");
            if (e.status === 404 || e.status === 403) {
              send("event: gone\ndata: {}\n\n");
              break;
            }
            send(": orders unavailable, retrying\n\n");
          }
          if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
            send(": keep-alive\n\n");
            quietSince = Date.now();
          }
          if (Date.now() - started >= MAX_STREAM_MS) break;
          await sleep(POLL_MS);
        }
        if (!closed) {
          closed = true;
          controller.close();
        }
      },
      cancel() {
        close();
      },
    });
    return new Response(body, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
      },
    });
  },
};

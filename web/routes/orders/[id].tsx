/**
 * `/orders/{id}`: one order of this browser's customer (from web's shared orders watch when it passed the
 * order on, as the order's event stream does, else one `GetOrder`): its number (`#1042`) as the heading, who it
 * is for, when it will be collected, the note for the kitchen, items and total (server-rendered, in
 * the shop's locale), the shop's notes meant for the customer, and the live status, timeline and actions (the OrderLive island, times in the
 * shop's zone). Without JavaScript the page refreshes itself every 5 seconds while the order can still
 * change (a `<meta http-equiv="refresh">` inside `<noscript>`), and "Cancel order" is a plain form.
 * Someone else's order, or an id that is not one, is "not found".
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { type NoteJson, type OrderJson, orderJson } from "../../api/order_json.ts";
import { LocalTime } from "../../components/LocalTime.tsx";
import type { Zone } from "../../lib/when.ts";
import { OrderDetails } from "../../components/OrderDetails.tsx";
import { OrderItems } from "../../components/OrderItems.tsx";
import type { ShopState } from "../../customer.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import OrderLive from "../../islands/OrderLive.tsx";
import { isTerminal, orderLabel } from "../../lib/order_view.ts";
import { customersOrder, liveHub } from "../../live/hub.ts";
import { formatDateTime, processShop } from "../../shop.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Seconds between refreshes of the page without JavaScript. */
export const REFRESH_SECONDS = 5;

/** Why the customer came back to the page. */
export type Returned = "paid" | "left" | "cancel_refused" | "cancel_failed" | null;

/** What the page shows. */
export interface OrderPageData {
  /** The order. */
  order: OrderJson;
  /**
   * The customer came back from the checkout having paid (`?paid=1`) or having left it
   * (`?cancelled=1`), or from a cancel form that did not go through (`?cancel=refused|failed`).
   */
  returned: Returned;
}

function returnedOf(q: URLSearchParams): Returned {
  if (q.get("paid") === "1") return "paid";
  if (q.get("cancelled") === "1") return "left";
  if (q.get("cancel") === "refused") return "cancel_refused";
  if (q.get("cancel") === "failed") return "cancel_failed";
  return null;
}

/** Loads the order; 404 page unless it is this customer's. */
export const handler: Handlers<OrderPageData, ShopState> = {
  async GET(ctx) {
    const orderId = (ctx.params.id ?? "").toLowerCase();
    if (!UUID.test(orderId)) return await ctx.renderNotFound();
    const { customerId } = ctx.state;
    // the order's latest change web's shared watch passed on, as its customer may see it (no call); else
    // one GetOrder (an order the watch has not passed on, or no watch open)
    const watched = liveHub(ctx.deps).orders.latest(`order:${orderId}`)?.order;
    const order = watched
      ? customersOrder(watched, customerId) ?? null
      : await gatewayFor(ctx.hono, ctx.deps).orders.get(customerId, orderId)
        .catch((err) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        });
    if (!order) return await ctx.renderNotFound();
    const json = orderJson(order);
    ctx.state.title = `Order ${orderLabel(json)}`;
    return await ctx.render({ order: json, returned: returnedOf(ctx.url.searchParams) });
  },
};

/**
 * The shop's notes for the customer (staff mark a note "visible to the customer"; orders sends a
 * customer only those), newest last; nothing when there are none.
 */
export function ShopNotes({ notes, shop }: { notes: NoteJson[]; shop: Zone }) {
  const visible = notes.filter((n) => n.visibleToCustomer);
  if (visible.length === 0) return null;
  return (
    <section aria-labelledby="shop-notes-title" class="shop-notes" data-testid="shop-notes">
      <h2 id="shop-notes-title">From the shop</h2>
      <ul>
        {visible.map((n) => (
          <li data-testid="shop-note">
            <LocalTime at={n.at} zone={shop} />: {n.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The order page. */
export default function OrderPage({ data, state }: PageProps<OrderPageData, ShopState>) {
  const { order } = data;
  const shop = state.shop ?? processShop();
  const waiting = order.status === "waiting_payment";
  return (
    <article class="order-page" aria-labelledby="order-title">
      {!isTerminal(order.status) && (
        <noscript>
          <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} />
        </noscript>
      )}
      <h1 id="order-title">
        Order <span data-testid="order-number">{orderLabel(order)}</span>
      </h1>
      <p class="muted order-ids">
        {order.createdAt && <>Placed {formatDateTime(new Date(order.createdAt), shop)} ·{" "}</>}
        <span class="order-uuid">
          Order id <code data-testid="order-id">{order.id}</code>
        </span>
      </p>
      {data.returned === "paid" && waiting && (
        <p class="alert info">Thanks! We are confirming your payment.</p>
      )}
      {data.returned === "left" && waiting && (
        <p class="alert info">You left the checkout without paying. You can pay now or cancel the order.</p>
      )}
      {data.returned === "cancel_refused" && (
        <p class="alert error" role="alert">This order can no longer be cancelled.</p>
      )}
      {data.returned === "cancel_failed" && (
        <p class="alert error" role="alert">We could not cancel the order just now. Please try again.</p>
      )}
      <div class="order-grid">
        <OrderLive
          order={order}
          customerId={state.customerId}
          csrf={state.csrf ?? ""}
          timeZone={shop.timeZone}
          locale={shop.locale}
        />
        <div>
          {order.details && <OrderDetails details={order.details} shop={shop} />}
          <ShopNotes notes={order.notes ?? []} shop={shop} />
          <section aria-label="Items">
            <OrderItems
              items={order.items}
              total={order.total}
              caption="What you ordered"
              locale={shop.locale}
            />
          </section>
        </div>
      </div>
      {!isTerminal(order.status) && (
        <noscript>
          <p class="muted">This page refreshes every {REFRESH_SECONDS} seconds.</p>
        </noscript>
      )}
    </article>
  );
}

/**
 * A fake OMS gateway for the load generator's unit tests (test code only): the API routes the
 * shoppers use, in memory, with all-or-nothing stock, idempotent checkout, customers proven by bearer
 * tokens (`POST /api/customers`; 401 without, 403 for another customer's), the order's live stream
 * (`GET /orders/{id}/events`: `event: order` at once and on every change, ending at a final status;
 * `event: gone` for another customer's order or none, 401 for an unknown token, as web answers), and
 * knobs to inject failures, lose orders or stop payments from settling.
 *
 * @module
 */

/** One order of the fake. */
export interface FakeOrder {
  /** Order id (UUID). */
  id: string;
  /** Owner. */
  customerId: string;
  /** Lowercase status. */
  status: string;
  /** Local pay link. */
  paymentLink: string;
  /** Reserved lines. */
  items: { id: string; quantity: number }[];
  /** Status changes after creation, as the gateway's order JSON shows them. */
  timeline?: { status: string; at: string }[];
}

/** The fake and its knobs. */
export interface FakeGateway {
  /** Base URL. */
  url: string;
  /** Units available per item id. */
  stock: Map<string, number>;
  /** Orders by id. */
  orders: Map<string, FakeOrder>;
  /** Customer id of every token issued. */
  tokens: Map<string, string>;
  /** Issues a token for `customerId` (as `POST /api/customers` does for a new customer). */
  issue(customerId: string): string;
  /** Idempotency-Key of every checkout request, in order. */
  checkoutKeys: string[];
  /** Status codes to answer the next checkouts with, after creating the order (an answer lost). */
  failCheckouts: number[];
  /** Checkouts to answer 409 out_of_stock without looking at the stock (a race lost to another shopper). */
  outOfStockNext: number;
  /** Ms after which a new order gets its payment link (answered 202 pending meanwhile); 0: at once. */
  linkDelayMs: number;
  /** When true, payments are accepted but orders never move (stuck). */
  paymentsStall: boolean;
  /** Ms between a payment call and the order's change. */
  settleMs: number;
  /** `GET` of one order through the API (polling), counted. */
  orderReads: number;
  /** Streams of orders opened (`GET /orders/{id}/events` answered 200), counted. */
  streamsOpened: number;
  /** The next this many streams end right after their first event (as web's do when orders is down). */
  cutStreams: number;
  /** Stops the server. */
  close(): Promise<void>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const error = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/** Starts the fake on a free port with `stock` (id -> units). */
export function startFakeGateway(stock: Record<string, number>): FakeGateway {
  const orders = new Map<string, FakeOrder>();
  const byKey = new Map<string, string>();
  const sessions = new Map<string, string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const watchers = new Map<string, Set<() => void>>();
  const streams = new Set<() => void>();
  const changed = (o: FakeOrder) => {
    for (const w of watchers.get(o.id) ?? []) w();
  };
  const fake: FakeGateway = {
    url: "",
    stock: new Map(Object.entries(stock)),
    orders,
    tokens: new Map(),
    issue(customerId) {
      const token = `tok-${crypto.randomUUID()}`;
      fake.tokens.set(token, customerId);
      return token;
    },
    checkoutKeys: [],
    failCheckouts: [],
    outOfStockNext: 0,
    linkDelayMs: 0,
    paymentsStall: false,
    settleMs: 5,
    orderReads: 0,
    streamsOpened: 0,
    cutStreams: 0,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const end of streams) end();
      await server.shutdown();
    },
  };
  const later = (fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, fake.settleMs);
    timers.add(t);
  };
  const release = (o: FakeOrder) => {
    for (const l of o.items) fake.stock.set(l.id, (fake.stock.get(l.id) ?? 0) + l.quantity);
  };

  /** The order's event stream (just `event: gone` without an order). */
  const events = (order: FakeOrder | undefined): Response => {
    const cut = fake.cutStreams > 0;
    if (cut) fake.cutStreams--;
    const bytes = (text: string) => new TextEncoder().encode(text);
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(bytes("retry: 3000\n\n"));
        if (!order) {
          ctl.enqueue(bytes("event: gone\ndata: {}\n\n"));
          ctl.close();
          return;
        }
        let shown = "";
        const show = () => {
          const text = JSON.stringify(order);
          if (text === shown) return;
          shown = text;
          ctl.enqueue(bytes(`event: order\ndata: ${text}\n\n`));
          if (cut || ["completed", "cancelled", "refunded"].includes(order.status)) end();
        };
        const set = watchers.get(order.id) ?? new Set();
        watchers.set(order.id, set);
        end = () => {
          set.delete(show);
          streams.delete(end);
          try {
            ctl.close();
          } catch { /* already closed */ }
        };
        streams.add(end);
        set.add(show);
        show();
      },
      cancel() {
        end();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const p = url.pathname.split("/").filter((s) => s);
    if (req.method === "GET" && url.pathname === "/") return new Response("<h1>Menu</h1>");
    if (req.method === "GET" && url.pathname === "/api/products") {
      return json({
        products: [...fake.stock].map(([id, available]) => ({ id, name: `Dish ${id}`, available })),
      });
    }
    if (req.method === "POST" && url.pathname === "/api/customers") {
      const customerId = `c-${fake.tokens.size + 1}`;
      return json({ customerId, token: fake.issue(customerId) }, 201);
    }
    if (p[0] === "api" && p[1] === "customers" && p[3] === "orders") {
      const customerId = p[2]!;
      const proven = fake.tokens.get((req.headers.get("authorization") ?? "").replace(/^Bearer /, ""));
      if (proven === undefined) return error(401, "unauthenticated", "Proof of the customer is required");
      if (proven !== customerId) return error(403, "forbidden", "Your proof is for another customer");
      if (req.method === "POST" && p.length === 4) {
        const key = req.headers.get("idempotency-key") ?? "";
        fake.checkoutKeys.push(key);
        const known = byKey.get(`${customerId}:${key}`); // keys are per customer, as in orders
        let order = known ? orders.get(known) : undefined;
        if (!order) {
          const { items } = await req.json() as { items: { id: string; quantity: number }[] };
          if (fake.outOfStockNext > 0) {
            fake.outOfStockNext--;
            return error(409, "out_of_stock", "Not enough left");
          }
          const short = items.filter((l) => (fake.stock.get(l.id) ?? 0) < l.quantity);
          if (short.length > 0) return error(409, "out_of_stock", `Not enough of ${short[0]!.id}`);
          for (const l of items) fake.stock.set(l.id, fake.stock.get(l.id)! - l.quantity);
          const id = crypto.randomUUID();
          const session = `sess_${id.slice(0, 8)}`;
          const link = `${url.origin}/pay/${session}`;
          const made: FakeOrder = { id, customerId, status: "waiting_payment", paymentLink: link, items };
          if (fake.linkDelayMs > 0) {
            // payments is "down": 202 pending, the link comes later
            Object.assign(made, { status: "pending", paymentLink: "" });
            const t = setTimeout(() => {
              timers.delete(t);
              if (made.status === "pending") {
                Object.assign(made, { status: "waiting_payment", paymentLink: link });
                changed(made);
              }
            }, fake.linkDelayMs);
            timers.add(t);
          }
          order = made;
          orders.set(id, order);
          sessions.set(session, id);
          if (key) byKey.set(`${customerId}:${key}`, id);
        }
        const fail = fake.failCheckouts.shift();
        if (fail) return error(fail, "unavailable", "The orders service is unavailable");
        return json(order, order.status === "pending" ? 202 : 201);
      }
      if (req.method === "GET" && p.length === 4) {
        return json({
          orders: [...orders.values()].filter((o) => o.customerId === customerId),
          nextCursor: "",
        });
      }
      const order = orders.get(p[4] ?? "");
      if (!order || order.customerId !== customerId) {
        return error(404, "not_found", `Order "${p[4]}" not found`);
      }
      if (req.method === "GET" && p.length === 5) {
        fake.orderReads++;
        return json(order);
      }
      if (req.method === "POST" && p[5] === "cancel") {
        if (order.status !== "waiting_payment" && order.status !== "pending") {
          return error(409, "illegal_transition", "only pending or unpaid orders can be cancelled");
        }
        order.status = "cancelled";
        release(order);
        changed(order);
        return json(order);
      }
    }
    if (req.method === "GET" && p[0] === "orders" && p[2] === "events" && p.length === 3) {
      const header = req.headers.get("authorization");
      const proven = header === null ? undefined : fake.tokens.get(header.replace(/^Bearer /, ""));
      if (header !== null && proven === undefined) return error(401, "invalid_token", "Bad token");
      const order = orders.get(p[1]!);
      fake.streamsOpened++;
      return events(order && order.customerId === proven ? order : undefined);
    }
    if (req.method === "POST" && p[0] === "api" && p[1] === "payments" && p[2] === "local") {
      const order = orders.get(sessions.get(p[3] ?? "") ?? "");
      if (!order) return error(404, "not_found", "Unknown session");
      const { outcome } = await req.json() as { outcome: string };
      if (!fake.paymentsStall) {
        later(() => {
          if (order.status !== "waiting_payment") return;
          if (outcome === "pay") {
            order.status = "paid";
            order.timeline = [...order.timeline ?? [], { status: "paid", at: new Date().toISOString() }];
          } else {
            order.status = "cancelled";
            release(order);
          }
          changed(order);
        });
      }
      return json({ orderId: order.id, status: outcome === "pay" ? "succeeded" : "failed" });
    }
    return error(404, "not_found", "No such route");
  });
  fake.url = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}

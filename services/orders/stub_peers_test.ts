/**
 * Test-only gRPC peers for orders' own tests: a small StockService and PaymentsService served on
 * localhost from the generated definitions, with knobs for delays and failures, and counters of calls.
 * The cross-service proofs against the real stock and payments live in `tests/`.
 *
 * @module
 */
import type { Metadata } from "@grpc/grpc-js";
import { RpcError } from "../common/errors.ts";
import { unary } from "../common/grpc_handler.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { ServingStatus } from "../common/health.ts";
import { createLogger } from "../common/log.ts";
import { traceparentOf } from "../common/trace.ts";
import {
  type Reservation,
  ReservationStatus,
  type ReserveItemsRequest,
  StockServiceService,
} from "../common/gen/oms/stock/v1/stock.ts";
import {
  type CreatePaymentLinkRequest,
  PaymentsServiceService,
  PaymentStatus,
  type RefundRequest,
} from "../common/gen/oms/payments/v1/payments.ts";
import type { LineItem } from "../common/gen/oms/types/v1/types.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

const log = createLogger("stub-peer", "error");

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A running stub peer. */
export interface StubPeer {
  /** `127.0.0.1:<port>`. */
  addr: string;
  stop(): Promise<void>;
}

/** Catalog entry of the stub stock. */
export interface StubItem {
  name: string;
  price: number;
  available: number;
}

/** The stub StockService: all-or-nothing reservations, idempotent per order id. */
export interface StubStock extends StubPeer {
  /** Every ReserveItems request received (including repeats). */
  reserveCalls: ReserveItemsRequest[];
  /** Traceparents received with ReserveItems. */
  traceparents: (string | undefined)[];
  /** Reservations by order id. */
  reservations: Map<string, Reservation>;
  catalog: Map<string, StubItem>;
  /** Delay before answering ReserveItems. */
  delayMs: number;
}

/** Starts a stub stock with `catalog` (default: pizza 900 x100, cola 250 x100). */
export async function stubStockServer(
  catalog: Record<string, StubItem> = {
    pizza: { name: "Pizza", price: 900, available: 100 },
    cola: { name: "Cola", price: 250, available: 100 },
  },
): Promise<StubStock> {
  const stub = {
    reserveCalls: [] as ReserveItemsRequest[],
    traceparents: [] as (string | undefined)[],
    reservations: new Map<string, Reservation>(),
    catalog: new Map(Object.entries(catalog)),
    delayMs: 0,
  };
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: StockServiceService,
    name: "oms.stock.v1.StockService",
    implementation: {
      reserveItems: unary(log, async (req: ReserveItemsRequest, call: { metadata: Metadata }) => {
        stub.reserveCalls.push(req);
        stub.traceparents.push(traceparentOf(call.metadata));
        if (stub.delayMs) await sleep(stub.delayMs);
        const existing = stub.reservations.get(req.orderId);
        if (existing) return { reservation: existing };
        const lines: LineItem[] = [];
        const shortages = [];
        for (const [i, q] of req.items.entries()) {
          const item = stub.catalog.get(q.itemId);
          if (!item) {
            throw new RpcError("unknown_item", `Unknown item "${q.itemId}"`, {
              field: `items[${i}].item_id`,
            });
          }
          if (item.available < q.quantity) {
            shortages.push({
              itemId: q.itemId,
              name: item.name,
              requested: q.quantity,
              available: item.available,
            });
          }
          lines.push({
            itemId: q.itemId,
            name: item.name,
            quantity: q.quantity,
            unitPrice: { amount: item.price, currency: "EUR" },
          });
        }
        if (shortages.length > 0) {
          throw new RpcError(
            "out_of_stock",
            `Not enough stock for ${shortages.map((s) => s.itemId).join(", ")}`,
            {
              shortages,
            },
          );
        }
        for (const q of req.items) stub.catalog.get(q.itemId)!.available -= q.quantity;
        const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice!.amount, 0);
        const reservation: Reservation = {
          orderId: req.orderId,
          lines,
          total: { amount: total, currency: "EUR" },
          status: ReservationStatus.RESERVATION_STATUS_RESERVED,
        };
        stub.reservations.set(req.orderId, reservation);
        return { reservation };
      }),
    },
  }], { serviceToken: TEST_SERVICE_TOKEN });
  server.health.setAll(ServingStatus.SERVING);
  return Object.assign(stub, { addr: `127.0.0.1:${server.port}`, stop: () => server.stop(100) });
}

/** How the stub payments answers. */
export type PaymentsMode = "ok" | "slow" | "fail";

/** The stub PaymentsService: links per order id and refunds. */
export interface StubPayments extends StubPeer {
  mode: PaymentsMode;
  /** Delay of the "slow" mode. */
  slowMs: number;
  /** Order ids of CreatePaymentLink calls. */
  linkCalls: string[];
  /** The CreatePaymentLink requests, in arrival order. */
  linkRequests: CreatePaymentLinkRequest[];
  /** Order ids of Refund calls. */
  refundCalls: string[];
  /** The Refund requests, in arrival order. */
  refundRequests: RefundRequest[];
  /** When set, Refund fails with this error. */
  refundError: RpcError | undefined;
}

/** Starts a stub payments service. */
export async function stubPaymentsServer(mode: PaymentsMode = "ok"): Promise<StubPayments> {
  const stub = {
    mode,
    slowMs: 2000,
    linkCalls: [] as string[],
    linkRequests: [] as CreatePaymentLinkRequest[],
    refundCalls: [] as string[],
    refundRequests: [] as RefundRequest[],
    refundError: undefined as RpcError | undefined,
  };
  const payment = (orderId: string, status: PaymentStatus) => ({
    orderId,
    customerId: "",
    provider: "local",
    sessionId: `s-${orderId}`,
    url: `http://127.0.0.1:8080/pay/s-${orderId}`,
    status,
    amount: undefined,
    items: [],
    createdAt: new Date(),
    expiresAt: undefined,
  });
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: PaymentsServiceService,
    name: "oms.payments.v1.PaymentsService",
    implementation: {
      createPaymentLink: unary(log, async (req: CreatePaymentLinkRequest) => {
        stub.linkCalls.push(req.orderId);
        stub.linkRequests.push(req);
        if (stub.mode === "slow") await sleep(stub.slowMs);
        if (stub.mode === "fail") throw new RpcError("unavailable", "Provider is down");
        return { payment: payment(req.orderId, PaymentStatus.PAYMENT_STATUS_OPEN) };
      }),
      refund: unary(log, (req: RefundRequest) => {
        stub.refundCalls.push(req.orderId);
        stub.refundRequests.push(req);
        if (stub.refundError) return Promise.reject(stub.refundError);
        return Promise.resolve({
          payment: payment(req.orderId, PaymentStatus.PAYMENT_STATUS_SUCCEEDED),
          providerRefundId: `re-${req.refundId ?? req.orderId}`,
          amount: req.amount,
          full: false,
        });
      }),
    },
  }], { serviceToken: TEST_SERVICE_TOKEN });
  server.health.setAll(ServingStatus.SERVING);
  return Object.assign(stub, { addr: `127.0.0.1:${server.port}`, stop: () => server.stop(100) });
}

/** An address where nothing listens (a service that is down). */
export async function deadAddr(): Promise<string> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  await sleep(0);
  return `127.0.0.1:${port}`;
}

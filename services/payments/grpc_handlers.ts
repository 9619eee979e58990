/**
 * The `oms.payments.v1.PaymentsService` adapter: maps requests and answers to and from proto and hands
 * each call to one use case in {@linkcode PaymentsApp}. A `DomainError` becomes its gRPC status in
 * `unary`.
 *
 * @module
 */
import type { Metadata } from "@grpc/grpc-js";
import { DomainError } from "../common/domain_error.ts";
import {
  LocalOutcome,
  type Payment,
  type PaymentsServiceServer,
  PaymentsServiceService,
} from "../common/gen/oms/payments/v1/payments.ts";
import type { ServedService } from "../common/grpc_server.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import { traceparentOf } from "../common/trace.ts";
import type { LocalOutcome as Outcome, PaymentsApp } from "./app.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";

/** The full proto name of the service. */
export const PAYMENTS_SERVICE_NAME = "oms.payments.v1.PaymentsService";

const OUTCOMES: Partial<Record<LocalOutcome, Outcome>> = {
  [LocalOutcome.LOCAL_OUTCOME_PAY]: "succeeded",
  [LocalOutcome.LOCAL_OUTCOME_DECLINE]: "failed",
  [LocalOutcome.LOCAL_OUTCOME_EXPIRE]: "expired",
};

/** The proto `Payment` of a stored record (without the provider references). */
export function toPayment(r: PaymentRecord): Payment {
  return {
    orderId: r.orderId,
    customerId: r.customerId,
    provider: r.provider,
    sessionId: r.sessionId,
    url: r.url,
    status: r.status,
    amount: r.amount,
    items: r.items,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
  };
}

function required(value: string, field: string, what: string): string {
  if (value.trim() === "") throw new DomainError("invalid_argument", `${what} is required`, { field });
  return value;
}

/** The handlers of `PaymentsService` over the use cases. */
export function paymentsHandlers(payments: PaymentsApp, log: Logger): PaymentsServiceServer {
  const trace = (call: { metadata: Metadata }) => {
    const traceparent = traceparentOf(call.metadata);
    return traceparent ? { traceparent } : {};
  };
  return {
    createPaymentLink: unary(log, async (req, call) => ({
      payment: toPayment(await payments.createPaymentLink(req, trace(call))),
    })),
    getPayment: unary(log, async (req) => ({
      payment: toPayment(await payments.getPayment(required(req.orderId, "order_id", "Order id"))),
    })),
    handleProviderEvent: unary(log, async (req, call) => {
      const result = await payments.handleProviderEvent(
        required(req.provider, "provider", "Provider"),
        req.payload,
        req.signature,
        trace(call),
      );
      return { firstDelivery: result.firstDelivery };
    }),
    getCheckoutSession: unary(log, async (req) => ({
      payment: toPayment(
        await payments.getCheckoutSession(required(req.sessionId, "session_id", "Checkout session id")),
      ),
    })),
    completeLocalCheckout: unary(log, async (req, call) => {
      const outcome = OUTCOMES[req.outcome];
      if (!outcome) {
        throw new DomainError(
          "invalid_argument",
          `Outcome must be PAY, DECLINE or EXPIRE, got ${req.outcome}`,
          {
            field: "outcome",
          },
        );
      }
      const sessionId = required(req.sessionId, "session_id", "Checkout session id");
      return { payment: toPayment(await payments.completeLocalCheckout(sessionId, outcome, trace(call))) };
    }),
    refund: unary(log, async (req, call) => {
      const done = await payments.refund(required(req.orderId, "order_id", "Order id"), req.reason, {
        ...trace(call),
        amount: req.amount,
        refundId: req.refundId,
      });
      return {
        payment: toPayment(done.payment),
        providerRefundId: done.providerRefundId,
        amount: done.amount,
        full: done.full,
      };
    }),
  };
}

/** `PaymentsService` ready for `startGrpcServer`. */
export function paymentsService(payments: PaymentsApp, log: Logger): ServedService {
  return {
    definition: PaymentsServiceService,
    name: PAYMENTS_SERVICE_NAME,
    implementation: paymentsHandlers(payments, log),
  };
}

/**
 * The gRPC implementation of `oms.payments.v1.PaymentsService`, a thin layer over {@linkcode Payments}.
 *
 * @module
 */
import type { Metadata } from "@grpc/grpc-js";
import { RpcError } from "../common/errors.ts";
import {
  LocalOutcome,
  type PaymentsServiceServer,
  PaymentsServiceService,
} from "../common/gen/oms/payments/v1/payments.ts";
import type { ServedService } from "../common/grpc_server.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import { traceparentOf } from "../common/trace.ts";
import type { LocalOutcome as Outcome, Payments } from "./payments.ts";
import { toPayment } from "./store.ts";

/** The full proto name of the service. */
export const PAYMENTS_SERVICE_NAME = "oms.payments.v1.PaymentsService";

const OUTCOMES: Partial<Record<LocalOutcome, Outcome>> = {
  [LocalOutcome.LOCAL_OUTCOME_PAY]: "succeeded",
  [LocalOutcome.LOCAL_OUTCOME_DECLINE]: "failed",
  [LocalOutcome.LOCAL_OUTCOME_EXPIRE]: "expired",
};

function required(value: string, field: string, what: string): string {
  if (value.trim() === "") throw new RpcError("invalid_argument", `${what} is required`, { field });
  return value;
}

/** The handlers of `PaymentsService` over `payments`. */
export function paymentsHandlers(payments: Payments, log: Logger): PaymentsServiceServer {
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
        throw new RpcError("invalid_argument", `Outcome must be PAY, DECLINE or EXPIRE, got ${req.outcome}`, {
          field: "outcome",
        });
      }
      const sessionId = required(req.sessionId, "session_id", "Checkout session id");
      return { payment: toPayment(await payments.completeLocalCheckout(sessionId, outcome, trace(call))) };
    }),
    refund: unary(log, async (req, call) => ({
      payment: toPayment(
        await payments.refund(required(req.orderId, "order_id", "Order id"), req.reason, trace(call)),
      ),
    })),
  };
}

/** `PaymentsService` ready for `startGrpcServer`. */
export function paymentsService(payments: Payments, log: Logger): ServedService {
  return {
    definition: PaymentsServiceService,
    name: PAYMENTS_SERVICE_NAME,
    implementation: paymentsHandlers(payments, log),
  };
}

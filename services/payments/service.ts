/**
 * Starting and stopping the payments service: its store, its payment provider, messaging (outbox
 * relay and the consumer of `order.created` / `order.cancelled`) and the gRPC server.
 *
 * @module
 */
import { type Messaging, startMessaging } from "../common/bus/messaging.ts";
import { registerService } from "../common/discovery/registration.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { ServingStatus } from "../common/health.ts";
import { openStore } from "../common/kv.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import type { PaymentsConfig } from "./config.ts";
import { paymentsEventHandlers } from "./event_handlers.ts";
import { paymentsService } from "./grpc_handlers.ts";
import { Payments } from "./payments.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import type { PaymentProvider } from "./providers/provider.ts";
import { StripePaymentProvider } from "./providers/stripe.ts";
import { PaymentStore } from "./store.ts";

/** Options of {@linkcode start} beyond the config (tests). */
export interface StartOptions {
  /** The logger (default: the `payments` JSON logger). */
  log?: Logger;
  /** A provider to use instead of the one the config picks. */
  provider?: PaymentProvider;
  /** How often overdue local checkouts are expired (default 60 s; only with the local provider). */
  localExpiryIntervalMs?: number;
}

/** A running payments service. */
export interface PaymentsHandle extends ServiceHandle {
  /** The use cases (tests). */
  payments: Payments;
  /** The store's KV (tests). */
  kv: Deno.Kv;
  /** The running messaging (tests). */
  messaging: Messaging;
}

/** The provider `config` asks for: Stripe when a secret key is set, else the local provider. */
export function pickProvider(config: PaymentsConfig, log: Logger): PaymentProvider {
  if (config.stripe) {
    log.info("payments: using Stripe Checkout", { apiUrl: config.stripe.apiUrl ?? "https://api.stripe.com" });
    return new StripePaymentProvider(config.stripe);
  }
  log.info("payments: no STRIPE_SECRET_KEY, using the local payment provider", {
    payPage: `${config.publicUrl}/pay/{sessionId}`,
  });
  return new LocalPaymentProvider(config.publicUrl);
}

/** Starts the payments service; health turns SERVING once everything is up. */
export async function start(config: PaymentsConfig, options: StartOptions = {}): Promise<PaymentsHandle> {
  const log = options.log ?? createLogger("payments");
  const kv = await openStore(config.kvPath);
  let messaging: Messaging | undefined;
  try {
    const provider = options.provider ?? pickProvider(config, log);
    const payments = new Payments({
      store: new PaymentStore(kv),
      provider,
      publicUrl: config.publicUrl,
      expiryMinutes: config.paymentExpiryMinutes,
      log,
      afterCommit: () => messaging?.kick(),
    });
    messaging = await startMessaging({
      service: "payments",
      kv,
      config: config.common,
      log,
      handlers: paymentsEventHandlers(payments),
    });
    const server = await startGrpcServer(config.host, config.port, [
      paymentsService(payments, log),
      messaging.deadLettersService,
    ]);
    server.health.setAll(ServingStatus.SERVING);
    const registration = registerService(config.common.discovery, {
      name: "payments",
      host: config.host,
      port: server.port,
      log,
    });
    const running = messaging;
    let sweeping: Promise<unknown> = Promise.resolve();
    const sweeper = provider instanceof LocalPaymentProvider
      ? setInterval(() => {
        sweeping = payments.expireOverdueLocal().catch((err) =>
          log.error("expiring overdue local checkouts failed", { err })
        );
      }, options.localExpiryIntervalMs ?? 60_000)
      : undefined;
    return {
      port: server.port,
      payments,
      kv,
      messaging: running,
      async stop() {
        server.health.setAll(ServingStatus.NOT_SERVING); // draining: no new work from health-checked callers
        await registration.stop(); // first, so clients move their traffic before we drain
        clearInterval(sweeper);
        await sweeping; // a sweep in progress finishes before the store closes
        await server.stop();
        await running.stop();
        kv.close();
      },
    };
  } catch (err) {
    await messaging?.stop().catch(() => {});
    kv.close();
    throw err;
  }
}

/**
 * Starting and stopping the payments service (the shared lifecycle is `common/service_runtime.ts`): its
 * payment provider, the consumer of `order.created` / `order.cancelled`, the gRPC server and, with the
 * local provider, the expiry of overdue checkouts; with Stripe, the reconciliation job (`reconcile_job.ts`)
 * that recovers outcomes whose webhook never came.
 *
 * @module
 */
import type { Messaging } from "../common/bus/messaging.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { type BackgroundWorker, startServiceRuntime } from "../common/service_runtime.ts";
import type { PaymentsConfig } from "./config.ts";
import { paymentsEventHandlers } from "./event_handlers.ts";
import { paymentsService } from "./grpc_handlers.ts";
import { PaymentsApp } from "./app.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { LocalPaymentProvider } from "./providers/local.ts";
import { isReconcilable, type PaymentProvider } from "./providers/provider.ts";
import { type ReconcileJob, startReconcileJob } from "./reconcile_job.ts";

/** Options of {@linkcode start} beyond the config (tests). */
export interface StartOptions {
  /** The logger (default: the `payments` JSON logger). */
  log?: Logger;
  /** A provider to use instead of the one the config picks. */
  provider?: PaymentProvider;
  /** How often overdue local checkouts are expired (default 60 s; only with the local provider). */
  localExpiryIntervalMs?: number;
}

/** The reconciliation job of `provider`, when it can be read back and the config turns the job on. */
function reconcileWorkers(
  config: PaymentsConfig,
  provider: PaymentProvider,
  payments: PaymentsApp,
  kv: Deno.Kv,
  log: Logger,
): ReconcileJob[] {
  const settings = config.reconcile;
  if (!settings || !isReconcilable(provider) || settings.intervalMs === 0) return [];
  log.info("payments: reconciling with the provider", { ...settings, provider: provider.name });
  return [startReconcileJob({ kv, payments, provider, log }, settings, log, "SIGUSR1")];
}

/** A running payments service. */
export interface PaymentsHandle extends ServiceHandle {
  /** The use cases (tests). */
  payments: PaymentsApp;
  /** The store's KV (tests). */
  kv: Deno.Kv;
  /** The running messaging (tests). */
  messaging: Messaging;
  /** The reconciliation job, when one runs (tests). */
  reconcile?: ReconcileJob;
}

/**
 * The provider `config` asks for: Stripe when a secret key is set, else the local provider. The Stripe
 * adapter (and with it the Stripe SDK) is imported only then, so a process without a key never loads it.
 */
export async function pickProvider(config: PaymentsConfig, log: Logger): Promise<PaymentProvider> {
  if (config.stripe) {
    log.info("payments: using Stripe Checkout", { apiUrl: config.stripe.apiUrl ?? "https://api.stripe.com" });
    const { StripePaymentProvider } = await import("./providers/stripe.ts");
    return new StripePaymentProvider(config.stripe);
  }
  const payPage = `${config.publicUrl}/pay/{sessionId}`;
  if (config.localProvider === "allowed") {
    log.warn(
      "payments: no STRIPE_SECRET_KEY, running the local payment provider outside development because " +
        "PAYMENTS_ALLOW_LOCAL_PROVIDER=true: it takes no money and anyone can mark a checkout paid",
      { payPage },
    );
  } else {
    log.info("payments: no STRIPE_SECRET_KEY, using the local payment provider", { payPage });
  }
  return new LocalPaymentProvider(config.publicUrl);
}

/** Starts the payments service; health turns SERVING once everything is up. */
export async function start(config: PaymentsConfig, options: StartOptions = {}): Promise<PaymentsHandle> {
  const log = options.log ?? createLogger("payments");
  let reconcile: ReconcileJob | undefined;
  const { port, kv, messaging, prepared, stop } = await startServiceRuntime({
    name: "payments",
    config,
    log,
    prepare: async ({ kv, kick }) => {
      const provider = options.provider ?? await pickProvider(config, log);
      const payments = new PaymentsApp({
        kv,
        uow: unitOfWork({ kv, kick, log }),
        provider,
        publicUrl: config.publicUrl,
        expiryMinutes: config.paymentExpiryMinutes,
        log,
      });
      return { provider, payments };
    },
    handlers: ({ payments }) => paymentsEventHandlers(payments),
    services: ({ prepared: { payments } }) => [paymentsService(payments, log)],
    workers: ({ kv, prepared: { provider, payments } }) => {
      if (provider instanceof LocalPaymentProvider) {
        return [startLocalExpiry(payments, log, options.localExpiryIntervalMs ?? 60_000)];
      }
      const jobs = reconcileWorkers(config, provider, payments, kv, log);
      reconcile = jobs[0];
      return jobs;
    },
  });
  return { port, payments: prepared.payments, kv, messaging, stop, ...(reconcile ? { reconcile } : {}) };
}

/** Expires overdue local checkouts every `intervalMs`. */
function startLocalExpiry(payments: PaymentsApp, log: Logger, intervalMs: number): BackgroundWorker {
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweeper = setInterval(() => {
    sweeping = payments.expireOverdueLocal().catch((err) =>
      log.error("expiring overdue local checkouts failed", { err })
    );
  }, intervalMs);
  return {
    async stop() {
      clearInterval(sweeper);
      await sweeping; // a sweep in progress finishes before the store closes
    },
  };
}

/**
 * Starting and stopping the orders service: store, messaging, clients of stock and payments, gRPC,
 * health.
 *
 * @module
 */
import { startMessaging } from "../common/bus/messaging.ts";
import { registerService } from "../common/discovery/registration.ts";
import { closeClient } from "../common/exiting.ts";
import { connect } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { ServingStatus } from "../common/health.ts";
import { openStore } from "../common/kv.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { OrdersServiceService } from "../common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import type { OrdersConfig } from "./config.ts";
import { orderEventHandlers } from "./event_handlers.ts";
import { ordersServer } from "./grpc_handlers.ts";

/** A running orders service. */
export interface OrdersHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
  /** Wakes the outbox relay. */
  kick(): void;
}

/**
 * Starts orders: opens its KV store, starts messaging (consuming payment and kitchen events, relaying
 * its outbox), connects to stock and payments, serves gRPC and reports SERVING.
 */
export async function start(
  config: OrdersConfig,
  log: Logger = createLogger("orders"),
): Promise<OrdersHandle> {
  const kv = await openStore(config.kvPath);
  try {
    const messaging = await startMessaging({
      service: "orders",
      kv,
      config: config.common,
      log,
      handlers: orderEventHandlers({ log }),
    });
    const stock = connect(StockServiceClient, config.stockAddr);
    const payments = connect(PaymentsServiceClient, config.paymentsAddr);
    try {
      const grpc = await startGrpcServer(config.host, config.port, [
        {
          definition: OrdersServiceService,
          name: "oms.orders.v1.OrdersService",
          implementation: ordersServer({
            kv,
            stock,
            payments,
            log,
            kick: () => messaging.kick(),
            stockTimeoutMs: config.stockTimeoutMs,
            paymentsTimeoutMs: config.paymentsTimeoutMs,
          }),
        },
        messaging.deadLettersService,
      ]);
      grpc.health.setAll(ServingStatus.SERVING);
      const registration = registerService(config.common.discovery, {
        name: "orders",
        host: config.host,
        port: grpc.port,
        log,
      });
      return {
        port: grpc.port,
        kv,
        kick: () => messaging.kick(),
        async stop() {
          await registration.stop(); // first, so clients move their traffic before we drain
          grpc.health.setAll(ServingStatus.NOT_SERVING);
          await grpc.stop();
          closeClient(stock);
          closeClient(payments);
          await messaging.stop();
          kv.close();
        },
      };
    } catch (err) {
      stock.close();
      payments.close();
      await messaging.stop();
      throw err;
    }
  } catch (err) {
    kv.close();
    throw err;
  }
}

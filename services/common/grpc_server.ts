/**
 * Starting a gRPC server with the health service, and stopping it gracefully.
 *
 * @module
 */
import {
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { HealthService } from "./gen/grpc/health/v1/health.ts";
import { HealthState, ServingStatus } from "./health.ts";

/** One service to serve: its generated definition, its full name and its implementation. */
export interface ServedService {
  /** e.g. `StockServiceService` from the generated code. */
  definition: ServiceDefinition;
  /** The full proto name, e.g. `oms.stock.v1.StockService`, used by the health service. */
  name: string;
  /** The handlers. */
  implementation: UntypedServiceImplementation;
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The bound port (useful when 0 was asked for). */
  port: number;
  /** The health state; call `setAll(ServingStatus.SERVING)` when ready. */
  health: HealthState;
  /** Stops taking calls, waits up to `graceMs` for in-flight ones, then forces. */
  stop(graceMs?: number): Promise<void>;
}

/** Binds `services` (and `grpc.health.v1.Health`) on `host:port`. */
export async function startGrpcServer(
  host: string,
  port: number,
  services: ServedService[],
): Promise<GrpcServerHandle> {
  const server = new Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });
  const health = new HealthState(services.map((s) => s.name));
  server.addService(HealthService, health.server() as unknown as UntypedServiceImplementation);
  for (const s of services) server.addService(s.definition, s.implementation);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${port}`,
      ServerCredentials.createInsecure(),
      (err, p) => err ? reject(err) : resolve(p),
    )
  );
  return {
    port: bound,
    health,
    async stop(graceMs = 5000) {
      health.setAll(ServingStatus.NOT_SERVING);
      health.close();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

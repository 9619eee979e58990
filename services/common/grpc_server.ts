/**
 * Starting a gRPC server with the health service, and stopping it gracefully.
 *
 * Every served service (all but `grpc.health.v1.Health`, which Consul's checks and healthchecks call
 * without credentials) refuses calls without the deployment's service credential with
 * UNAUTHENTICATED, before any handler runs (see `auth/guard.ts`); so does server reflection when it
 * is on (see `grpc_reflection.ts`).
 *
 * @module
 */
import {
  type sendUnaryData,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  status as GrpcStatus,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { guardService } from "./auth/guard.ts";
import { AUTHORIZATION_KEY, ServiceTokenCheck } from "./auth/service_credential.ts";
import { isExiting } from "./exiting.ts";
import { HealthService } from "./gen/grpc/health/v1/health.ts";
import { HealthState, ServingStatus } from "./health.ts";
import { reflectionServices } from "./grpc_reflection.ts";
import { metricsEnabled, recordRpcServer } from "./metrics/record.ts";
import {
  type ConnectServer,
  type ConnectService,
  serveServicesInProcess,
  startConnectServer,
} from "./connect/server.ts";

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
  /** The bound Connect port, when the services are served over Connect too. */
  connectPort?: number;
  /** The health state; call `setAll(ServingStatus.SERVING)` when ready. */
  health: HealthState;
  /**
   * Reports NOT_SERVING, stops taking calls, waits up to `graceMs` for in-flight ones, then forces. In
   * an exiting process (see `exiting.ts`) it sends no GOAWAY: it answers new calls UNAVAILABLE and
   * waits for the in-flight ones; the process exit then closes the listener and the connections.
   */
  stop(graceMs?: number): Promise<void>;
}

type StreamCall = {
  end(): void;
  emit(event: "error", err: Partial<ServiceError>): boolean;
  on(event: "cancelled" | "finish", f: () => void): unknown;
};

/** Counts unary calls in flight and, once draining, turns new ones away with UNAVAILABLE. */
class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];
  /** True once the server drains. */
  draining = false;
  /** Open server streams (watch streams never end by themselves). */
  #streams = new Set<{ end(): void }>();

  /** Ends every open server stream with OK (its client resumes elsewhere or after the restart). */
  endStreams(): void {
    for (const call of this.#streams) call.end();
    this.#streams.clear();
  }

  /** Wraps the unary handlers of `implementation` (streaming ones are left as they are). */
  wrap(
    definition: ServiceDefinition,
    implementation: UntypedServiceImplementation,
  ): UntypedServiceImplementation {
    const wrapped: UntypedServiceImplementation = { ...implementation };
    for (const [method, def] of Object.entries(definition)) {
      const handler = implementation[method];
      if (typeof handler === "function" && def.responseStream && !def.requestStream) {
        wrapped[method] = this.#trackStream(handler as (call: StreamCall) => void);
        continue;
      }
      if (typeof handler !== "function" || def.requestStream || def.responseStream) continue;
      const unary = handler as (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => void;
      wrapped[method] = (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
        if (this.draining) {
          cb({
            code: GrpcStatus.UNAVAILABLE,
            details: `${def.path} is unavailable: the server is shutting down`,
          });
          return;
        }
        this.#count++;
        let done = false;
        // RED metrics of every unary call that passed the credential check (one comparison when off)
        const started = metricsEnabled() ? performance.now() : 0;
        const finish = () => {
          if (done) return;
          done = true;
          if (--this.#count === 0) { for (const f of this.#idle.splice(0)) f(); }
        };
        call.on("cancelled", finish);
        try {
          unary(call, (...args: Parameters<sendUnaryData<unknown>>) => {
            finish();
            if (started !== 0) {
              recordRpcServer(
                def.path,
                args[0] ? args[0].code ?? GrpcStatus.UNKNOWN : 0,
                performance.now() - started,
              );
            }
            cb(...args);
          });
        } catch (err) {
          finish();
          throw err;
        }
      };
    }
    return wrapped;
  }

  #trackStream(handler: (call: StreamCall) => void): (call: StreamCall) => void {
    return (call) => {
      if (this.draining) {
        call.emit("error", { code: GrpcStatus.UNAVAILABLE, details: "The server is shutting down" });
        return;
      }
      this.#streams.add(call);
      const forget = () => this.#streams.delete(call);
      call.on("cancelled", forget);
      call.on("finish", forget);
      handler(call);
    };
  }

  /** Resolves when no call is in flight, or after `ms`. */
  async idle(ms: number): Promise<void> {
    if (this.#count === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.#idle.push(resolve)),
      new Promise<void>((resolve) => timer = setTimeout(resolve, ms)),
    ]);
    clearTimeout(timer);
  }
}

/** How a server authenticates its callers. */
export interface GrpcServerAuth {
  /** The deployment's service token (`OMS_SERVICE_TOKEN`); calls must carry `Bearer <token>`. */
  serviceToken: string;
}

/** What a server offers besides its services and health. */
export interface GrpcServerOptions {
  /**
   * Serve gRPC server reflection (`grpc_reflection.ts`) describing `services` and health, behind the
   * service credential too; loaded on the first reflection call. Default false (services pass
   * `reflectionEnabled()`, i.e. `OMS_GRPC_REFLECTION`, default on).
   */
  reflection?: boolean;
  /**
   * Serve the same services (and health) over the Connect protocol on this port too (0: a free one;
   * unset: not at all), with the same credential check, drain and metrics (`connect/server.ts`). OMS's
   * processes call each other there (`http://host:port` addresses); gRPC stays for everything else.
   */
  connectPort?: number;
}

/**
 * Binds `services` (and `grpc.health.v1.Health`, and reflection when `auth.reflection`) on
 * `host:port`; every service but health answers only calls that carry `auth.serviceToken`.
 */
export async function startGrpcServer(
  host: string,
  port: number,
  services: ServedService[],
  auth: GrpcServerAuth & GrpcServerOptions,
): Promise<GrpcServerHandle> {
  const check = new ServiceTokenCheck(auth.serviceToken);
  const server = new Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });
  const health = new HealthState(services.map((s) => s.name));
  const inFlight = new InFlight();
  const healthImpl = health.server() as unknown as UntypedServiceImplementation;
  const admits = (headers: Headers) => check.acceptsValue(headers.get(AUTHORIZATION_KEY));
  server.addService(HealthService, healthImpl);
  const served: ConnectService[] = [{ definition: HealthService, implementation: healthImpl }];
  for (const s of services) {
    const counted = inFlight.wrap(s.definition, s.implementation);
    const guarded = guardService(s.definition, counted, check);
    server.addService(s.definition, guarded);
    served.push({ definition: s.definition, implementation: guarded, admits });
  }
  if (auth.reflection) {
    for (const r of reflectionServices(services.map((s) => s.name))) {
      server.addService(r.definition, guardService(r.definition, r.implementation, check));
    }
  }
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${port}`,
      ServerCredentials.createInsecure(),
      (err, p) => err ? reject(err) : resolve(p),
    )
  );
  // callers in this process (start:all) reach these services without a socket (connect/in_process.ts)
  const inProcess = serveServicesInProcess(host, bound, served);
  let connect: ConnectServer | undefined;
  if (auth.connectPort !== undefined) {
    try {
      connect = startConnectServer(host, auth.connectPort, served, {
        ready: () => health.get("") === ServingStatus.SERVING, // Consul's HTTP check (registration.ts)
      });
    } catch (err) {
      void inProcess.drain(0);
      server.forceShutdown();
      throw err;
    }
  }
  return {
    port: bound,
    ...(connect ? { connectPort: connect.port } : {}),
    health,
    async stop(graceMs = 5000) {
      // calls from this process first: later ones take the socket; those in flight get the same grace
      const inProcessDrained = inProcess.drain(graceMs);
      health.setAll(ServingStatus.NOT_SERVING);
      health.close();
      inFlight.endStreams();
      if (isExiting()) {
        // No GOAWAY from an exiting process (deno#36788, see exiting.ts): grpc-js's tryShutdown and
        // even unbind() close sessions with one. New calls get UNAVAILABLE at once, the ones in flight
        // finish, and the process exit closes listener and connections.
        inFlight.draining = true;
        await Promise.all([inFlight.idle(graceMs), inProcessDrained]);
        return;
      }
      const connectStopped = connect?.stop(graceMs);
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
      await Promise.all([connectStopped, inProcessDrained]);
    },
  };
}

/**
 * The start-up and shutdown every service shares, so each `services/<name>/service.ts` says only what is
 * particular to it.
 *
 * Start: open the KV store, run the service's `prepare` step, bind gRPC (the service's own servers plus
 * its dead letters) reporting NOT_SERVING, start messaging (waiting for the broker as long as it takes,
 * with a logged backoff; a stop request — the process exiting, or `signal` — ends the wait), start the
 * background workers, report SERVING, register in Consul. When a step fails, what already started is
 * stopped again (gRPC, release, messaging, KV) and the error is thrown.
 *
 * While running, health follows the broker connection: NOT_SERVING while it is lost, SERVING again once
 * it is restored (the consumer and relay resume by themselves; callers that check health hold off).
 *
 * Stop: deregister (first, so clients move their traffic before we drain), report NOT_SERVING, stop the
 * workers (each waits for the pass it is in), drain gRPC, release what the handlers used (gRPC clients),
 * stop messaging, close KV. In an exiting process the gRPC server and the clients (closed with
 * `closeClient`) send no GOAWAY (see `exiting.ts`).
 *
 * @module
 */
import type { OutboxRecord } from "./bus/types.ts";
import { StaffClaims } from "./auth/staff_claim.ts";
import { deadLettersService } from "./bus/dead_letters.ts";
import { type Messaging, serviceQueue, startMessaging } from "./bus/messaging.ts";
import type { EventHandlers } from "./bus/types.ts";
import type { CommonConfig } from "./config.ts";
import { registerService } from "./discovery/registration.ts";
import { exitSignal } from "./exiting.ts";
import { reflectionEnabled } from "./grpc_reflection.ts";
import { type GrpcServerHandle, type ServedService, startGrpcServer } from "./grpc_server.ts";
import { ServingStatus } from "./health.ts";
import { openStore } from "./kv.ts";
import type { Logger } from "./log.ts";
import type { ServiceHandle } from "./service_main.ts";
import { addGaugeSource } from "./metrics/gauges.ts";
import { messagingGauges } from "./metrics/service_gauges.ts";

/** How long a stopping instance keeps serving after leaving Consul, before it drains (ms). */
export const DEREGISTER_SETTLE_MS = 500;

/** The part of a service's config the runtime reads (every service config has it). */
export interface RuntimeConfig {
  /** The interface gRPC binds (`GRPC_HOST`). */
  host: string;
  /** The gRPC port (0: any free one). */
  port: number;
  /** The Connect port (0: any free one; unset: gRPC only). */
  connectPort?: number;
  /** The KV store (file path, `:memory:` or KV Connect URL). */
  kvPath: string;
  /** Messaging and discovery. */
  common: CommonConfig;
}

/** Background work of a service (a timer, a sweeper). */
export interface BackgroundWorker {
  /** Stops it and waits for the pass in progress. */
  stop(): void | Promise<void>;
}

/** What `prepare` gets. */
export interface StoreContext {
  /** The service's store. */
  kv: Deno.Kv;
  /** Wakes the outbox relay (does nothing until messaging has started). */
  kick(records?: readonly OutboxRecord[]): void;
}

/** What `services` gets (gRPC binds before messaging starts, so it has no messaging yet). */
export interface ServicesContext<P> extends StoreContext {
  /** What `prepare` returned. */
  prepared: P;
}

/** What the hooks after messaging get. */
export interface RuntimeContext<P> extends StoreContext {
  /** The running messaging. */
  messaging: Messaging;
  /** What `prepare` returned. */
  prepared: P;
}

/** What differs between services. */
export interface ServiceRuntimeOptions<P> {
  /** The service name: its queue, its Consul registration. */
  name: string;
  config: RuntimeConfig;
  log: Logger;
  /** Runs once the store is open, before messaging (seed data, build use cases, connect clients). */
  prepare?(ctx: StoreContext): P | Promise<P>;
  /** The event handlers (none: the service only publishes). */
  handlers?(prepared: P): EventHandlers;
  /** The gRPC services to serve (the dead-letters service is added); bound before messaging starts. */
  services(ctx: ServicesContext<P>): ServedService[];
  /** Background workers, started once gRPC is bound and stopped before it drains. */
  workers?(ctx: RuntimeContext<P>): BackgroundWorker[];
  /**
   * Releases what `prepare` made, once gRPC has drained (or when start fails after `prepare`), before
   * messaging stops. Close gRPC clients with `closeClient` (no GOAWAY from an exiting process).
   */
  release?(prepared: P): void | Promise<void>;
  /** Aborting it ends a start-up still waiting for the broker (the start then throws). */
  signal?: AbortSignal;
}

/** A running service. */
export interface ServiceRuntime<P> extends ServiceHandle {
  /** The bound gRPC port. */
  port: number;
  /** The service's store. */
  kv: Deno.Kv;
  /** The running messaging. */
  messaging: Messaging;
  /** What `prepare` returned. */
  prepared: P;
}

/** Starts a service as {@linkcode ServiceRuntimeOptions} describe it; see the module doc for the order. */
export async function startServiceRuntime<P = undefined>(
  opts: ServiceRuntimeOptions<P>,
): Promise<ServiceRuntime<P>> {
  const { name, config, log } = opts;
  const kv = await openStore(config.kvPath);
  let messaging: Messaging | undefined;
  const kick = (records?: readonly OutboxRecord[]) => messaging?.kick(records);
  let prepared: { value: P } | undefined; // set once `prepare` has run, so a failed start releases it
  let grpc: GrpcServerHandle | undefined;
  let removeGauges = () => {};
  try {
    prepared = { value: await opts.prepare?.({ kv, kick }) as P };
    const handlers = opts.handlers?.(prepared.value);
    const queue = serviceQueue(config.common, name);
    // gRPC first, NOT_SERVING: health answers while the broker is awaited
    const server = grpc = await startGrpcServer(config.host, config.port, [
      ...opts.services({ kv, kick, prepared: prepared.value }),
      deadLettersService({
        kv,
        service: name,
        queue,
        transport: () => messaging?.transport,
        staffClaims: new StaffClaims(config.common.serviceToken),
        log,
      }),
    ], {
      serviceToken: config.common.serviceToken,
      reflection: reflectionEnabled(),
      ...(config.connectPort === undefined ? {} : { connectPort: config.connectPort }),
    });
    const signals = [exitSignal(), ...(opts.signal ? [opts.signal] : [])];
    const running = messaging = await startMessaging({
      service: name,
      kv,
      config: config.common,
      log,
      handlers,
      signal: AbortSignal.any(signals),
    });
    // outbox, dead letters, queue depth: read when metrics are collected (kept, unused, while off)
    removeGauges = addGaugeSource(messagingGauges({
      service: name,
      kv,
      transport: running.transport,
      ...(running.consumer ? { queue } : {}),
    }));
    const ctx: RuntimeContext<P> = { kv, kick, messaging: running, prepared: prepared.value };
    const workers = opts.workers?.(ctx) ?? [];
    // health follows the broker connection from now on, until stop begins
    let stopping = false;
    const follow = (connected: boolean) => {
      if (stopping) return;
      server.health.setAll(connected ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
      if (!connected) log.warn(`${name} reports NOT_SERVING until the broker is back`);
    };
    const unfollow = running.transport.onConnectionChange(follow);
    follow(running.transport.connected);
    const registration = registerService(config.common.discovery, {
      name,
      host: config.host,
      port: server.port,
      ...(server.connectPort ? { connectPort: server.connectPort } : {}),
      log,
    });
    return {
      port: server.port,
      kv,
      messaging: running,
      prepared: ctx.prepared,
      async stop() {
        stopping = true;
        unfollow();
        await registration.stop(); // first, so clients move their traffic before we drain
        // Consul's watchers (blocking queries) learn of the deregistration within milliseconds, but a
        // call a client already picked us for is still on its way: keep serving a moment before draining
        // refuses new calls, so a deliberate stop fails none (the "pre-stop pause" of load balancers).
        if (registration.id !== "") await new Promise((r) => setTimeout(r, DEREGISTER_SETTLE_MS));
        server.health.setAll(ServingStatus.NOT_SERVING); // draining: no new work from health-checked callers
        for (const worker of workers) await worker.stop(); // a pass in progress finishes before the store closes
        await server.stop();
        await opts.release?.(ctx.prepared); // after the calls that used them have finished
        removeGauges();
        await running.stop();
        kv.close();
      },
    };
  } catch (err) {
    // a partial start: stop what started (KV last), then throw the error that stopped the start
    const quietly = async (what: string, step: () => unknown) => {
      try {
        await step();
      } catch (cleanupErr) {
        log.warn(`${name}: ${what} failed while cleaning up after a failed start`, { err: cleanupErr });
      }
    };
    const [made, release, started, server] = [prepared, opts.release, messaging, grpc];
    if (server) await quietly("stopping gRPC", () => server.stop());
    if (made && release) await quietly("releasing", () => release(made.value));
    removeGauges();
    if (started) await quietly("stopping messaging", () => started.stop());
    kv.close();
    throw err;
  }
}

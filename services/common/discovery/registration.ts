/**
 * Registering a service instance in Consul, keeping it registered, and deregistering it on stop.
 *
 * The instance is registered through the local agent (`PUT /v1/agent/service/register`) with a health
 * check that Consul runs itself. When the service serves Connect, an HTTP check of `GET /readyz` on the
 * advertised Connect port (200 while the server is SERVING, 503 otherwise: `connect/server.ts`); else a
 * gRPC check of `grpc.health.v1.Health/Check` on the advertised gRPC port (no TLS). Not the gRPC check
 * when it can be helped: Consul's checker dials a new HTTP/2 connection for every check and closes it,
 * and the GOAWAY that sends can abort Deno 2.9.6's grpc-js server (denoland/deno#36788;
 * `scripts/grpc_health.ts`). A health check rather than a TTL check: Consul then sees what a client
 * sees (the port answers, the server reports SERVING, NOT_SERVING while starting and draining), a
 * wedged process turns critical by itself, and the service needs no heartbeat loop of its own.
 *
 * Registration never blocks start-up: when Consul is unreachable the service runs anyway, logs why
 * and retries with backoff. Once registered, an anti-entropy loop asks the agent every
 * `syncIntervalMs` whether it still knows the instance (`GET /v1/agent/services`) and registers it
 * again when it does not (the agent restarted with empty state, or an operator removed it).
 *
 * @module
 */
import type { DiscoveryConfig } from "../config.ts";
import type { Logger } from "../log.ts";
import { backoffMs, sleep } from "./backoff.ts";
import { type ConsulClient, createConsulClient, describeConsulError } from "./consul_client.ts";
import { READYZ_PATH } from "../connect/server.ts";

/** What to register. */
export interface RegistrationOptions {
  /** The service name clients look up, e.g. `stock`. */
  name: string;
  /** The interface the gRPC server bound (`GRPC_HOST`); advertised when it is a specific address. */
  host: string;
  /** The bound gRPC port. */
  port: number;
  /** The bound Connect port, when the service serves Connect: advertised as the `connect_port` meta. */
  connectPort?: number;
  /** Where to log. */
  log: Logger;
}

/** A service instance's registration. */
export interface Registration {
  /** The instance id in Consul (`<name>-<hostname>-<port>-<random>`), or "" without Consul. */
  readonly id: string;
  /** The advertised address, or "" without Consul. */
  readonly address: string;
  /** Whether Consul has accepted the registration (and not forgotten it since, as far as we know). */
  readonly registered: boolean;
  /** Stops the retry and anti-entropy loops and deregisters (bounded by `timeoutMs`, default 2000). */
  stop(timeoutMs?: number): Promise<void>;
}

const WILDCARD = new Set(["0.0.0.0", "::", "[::]", ""]);

/** `address` as a URL's host: an IPv6 address in brackets (Consul lists them bare). */
export function hostForUrl(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** The service meta key that advertises an instance's Connect port (read by `connect/consul_channel.ts`). */
export const CONNECT_PORT_META = "connect_port";

/** The address to advertise: `SERVICE_ADVERTISE_ADDR`, else a specific bound host, else the hostname. */
export function advertisedAddress(discovery: Pick<DiscoveryConfig, "advertiseAddr">, host: string): string {
  if (discovery.advertiseAddr) return discovery.advertiseAddr;
  if (!WILDCARD.has(host)) return host;
  return Deno.hostname();
}

/**
 * Registers the instance in Consul and keeps it registered until `stop()`; without `discovery`
 * (static addresses) returns a registration that does nothing. Returns at once: the first attempt
 * and any retries run in the background.
 */
export function registerService(
  discovery: DiscoveryConfig | undefined,
  options: RegistrationOptions,
): Registration {
  if (!discovery) return { id: "", address: "", registered: false, stop: () => Promise.resolve() };
  return new ConsulRegistration(discovery, options);
}

class ConsulRegistration implements Registration {
  readonly id: string;
  readonly address: string;
  #registered = false;
  #attempted = false;
  #consul: Promise<ConsulClient>;
  #discovery: DiscoveryConfig;
  #options: RegistrationOptions;
  #abort = new AbortController();
  #loop: Promise<void>;

  constructor(discovery: DiscoveryConfig, options: RegistrationOptions) {
    this.#discovery = discovery;
    this.#options = options;
    this.address = advertisedAddress(discovery, options.host);
    const host = Deno.hostname().replace(/[^A-Za-z0-9.-]/g, "-");
    this.id = `${options.name}-${host}-${options.port}-${crypto.randomUUID().slice(0, 8)}`;
    this.#consul = createConsulClient(discovery.consulUrl, { timeoutMs: 5000 });
    this.#consul.catch(() => {}); // a failure surfaces (and is retried) where the client is awaited
    this.#loop = this.#run();
  }

  get registered(): boolean {
    return this.#registered;
  }

  async #register(): Promise<void> {
    const { name, port } = this.#options;
    this.#attempted = true;
    const consul = await this.#consul;
    await consul.agent.service.register({
      id: this.id,
      name,
      address: this.address,
      port,
      meta: {
        version: this.#discovery.version,
        ...(this.#options.connectPort ? { [CONNECT_PORT_META]: String(this.#options.connectPort) } : {}),
      },
      check: {
        ...(this.#options.connectPort
          ? {
            name: `${name} readiness`,
            http: `http://${hostForUrl(this.address)}:${this.#options.connectPort}${READYZ_PATH}`,
            method: "GET",
          }
          : { name: `${name} gRPC health`, grpc: `${this.address}:${port}`, grpcusetls: false }),
        interval: this.#discovery.checkInterval,
        timeout: this.#discovery.checkTimeout,
        deregistercriticalserviceafter: this.#discovery.deregisterCriticalAfter,
      },
    });
  }

  async #known(): Promise<boolean> {
    const services = await (await this.#consul).agent.service.list();
    return Object.hasOwn(services, this.id);
  }

  async #run(): Promise<void> {
    const { log } = this.#options;
    const signal = this.#abort.signal;
    const consulUrl = this.#discovery.consulUrl;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.#registered) {
          await this.#register();
          if (signal.aborted) return;
          this.#registered = true;
          log.info("registered in Consul", {
            consul: consulUrl,
            serviceId: this.id,
            address: `${this.address}:${this.#options.port}`,
            ...(failures > 0 ? { afterFailures: failures } : {}),
          });
        } else if (!(await this.#known())) {
          if (signal.aborted) return;
          this.#registered = false;
          log.warn(
            "Consul no longer knows this instance (agent restarted or it was removed); registering again",
            {
              consul: consulUrl,
              serviceId: this.id,
            },
          );
          continue;
        } else if (failures > 0) {
          log.info("Consul reachable again; registration intact", { consul: consulUrl, serviceId: this.id });
        }
        failures = 0;
        await sleep(this.#discovery.syncIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        const retryInMs = backoffMs(failures, { baseMs: 500, maxMs: 30_000 });
        log.warn(
          this.#registered
            ? `Consul at ${consulUrl} is unreachable; cannot confirm the registration of ${this.id}, retrying`
            : `Consul at ${consulUrl} is unreachable; ${this.id} is not registered yet, retrying`,
          {
            consul: consulUrl,
            serviceId: this.id,
            attempt: failures,
            retryInMs,
            err: describeConsulError(err),
          },
        );
        await sleep(retryInMs, signal);
      }
    }
  }

  async stop(timeoutMs = 2000): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    const { log } = this.#options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      // a registration request in flight may still land: wait for it, then deregister
      await Promise.race([this.#loop.catch(() => {}), deadline]);
      if (!this.#registered && !this.#attempted) return;
      const result = await Promise.race([
        this.#consul.then((consul) => consul.agent.service.deregister(this.id)).then(() => "ok" as const),
        deadline,
      ]);
      if (result === "timeout") {
        log.warn("deregistering from Consul timed out; Consul drops the instance once its check fails", {
          consul: this.#discovery.consulUrl,
          serviceId: this.id,
          timeoutMs,
        });
      } else {
        log.info("deregistered from Consul", { serviceId: this.id });
      }
    } catch (err) {
      log.warn("deregistering from Consul failed; Consul drops the instance once its check fails", {
        consul: this.#discovery.consulUrl,
        serviceId: this.id,
        err: describeConsulError(err),
      });
    } finally {
      clearTimeout(timer);
      this.#registered = false;
      this.#consul.then((consul) => consul.destroy(), () => {});
    }
  }
}

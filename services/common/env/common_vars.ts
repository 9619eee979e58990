/**
 * The environment variables several processes read, declared once; each process's schema
 * (`services/<name>/env.ts`, `web/env.ts`) takes the groups or single variables it reads.
 *
 * @module
 */
import { DEFAULT_PORTS, DEFAULT_SERVICE_VERSION, discoveryConfig } from "../config.ts";
import { serviceTokenProblem } from "../auth/service_token.ts";
import { envVar, perService } from "./schema.ts";
import { bool, duration, httpUrl, int, matching, oneOf, parsedBy, port, text } from "./types.ts";

/** A gRPC target as grpc-js takes it: `host:port`, `[v6]:port`, or a `dns:`/`unix:`/`consul:` URI. */
const ADDR = /^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$|^(dns|unix|ipv4|ipv6|consul):.+$/;

/** A Connect endpoint of a service: `http://host:port` (`connect/channel.ts`). */
const CONNECT = /^https?:\/\/([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})\/?$/;

function grpcTarget(raw: string): string {
  const connect = raw.match(CONNECT);
  if (connect) {
    const port = Number(connect[2]);
    if (port < 1 || port > 65535) throw new Error("port must be from 1 to 65535");
    return raw;
  }
  if (/^https?:/.test(raw)) throw new Error("a Connect address is http://host:port, nothing after the port");
  if (!ADDR.test(raw)) throw new Error("must be host:port");
  const port = Number(raw.slice(raw.lastIndexOf(":") + 1));
  if (/:\d+$/.test(raw) && (port < 1 || port > 65535)) throw new Error("port must be from 1 to 65535");
  return raw;
}

/** Variables every process (the four services and web) reads. */
export const EVERY_PROCESS = {
  OMS_SERVICE_TOKEN: envVar({
    type: parsedBy((raw) => {
      const problem = serviceTokenProblem(raw);
      if (problem) throw new Error(problem);
      return raw;
    }),
    required: serviceTokenProblem(undefined)!,
    secret: true,
    defaultDoc: "required (`deno task dev` makes one and keeps it in `data/dev-secrets.json`)",
    doc:
      "the deployment's service credential, 32 to 512 printable characters: sent on every gRPC call, keys web's staff claims",
  }),
  DATA_DIR: envVar({
    type: text(),
    default: "./data",
    doc: "folder of the KV files (and web's media) when no path is given",
  }),
  LOG_LEVEL: envVar({
    type: oneOf(["debug", "info", "warn", "error"]),
    default: "info",
    doc: "least severe log line written (routine steps and ignored events only at `debug`)",
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: envVar({
    type: httpUrl(),
    defaultDoc: "unset: no export (traceparent still travels)",
    doc: "OTLP/HTTP collector (e.g. Jaeger's `http://jaeger:4318`); `/v1/traces` is appended",
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envVar({
    type: httpUrl(),
    defaultDoc: "unset: `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`",
    doc: "full URL spans are POSTed to, used as it is",
  }),
  OMS_FLAGS_FILE: envVar({
    type: text(),
    defaultDoc: "unset: no failure flags (web: `<DATA_DIR>/flags.json`; dev and tests set it)",
    doc: "flagd flag-definition file of the failure flags: the services read it, web's System page writes it",
  }),
  FLAGD_HOST: envVar({
    type: text(),
    defaultDoc: "unset: `OMS_FLAGS_FILE`",
    doc: "flagd server the failure flags are read from (takes precedence over `OMS_FLAGS_FILE`)",
  }),
  FLAGD_PORT: envVar({ type: port(1), default: "8013", doc: "flagd's gRPC port" }),
  METRICS_HOST: envVar({
    type: matching(/^[A-Za-z0-9._:-]+$/, "a host name or IP address"),
    default: "127.0.0.1",
    doc: "interface the metrics port binds (`0.0.0.0` in containers)",
  }),
  OTEL_METRICS_EXPORTER: envVar({
    type: oneOf(["otlp", "prometheus", "none"]),
    default: "otlp",
    doc: "`otlp` also pushes metrics to the OTLP endpoint (when one is set); `prometheus`/`none`: no push",
  }),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: envVar({
    type: httpUrl(),
    defaultDoc: "unset: `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/metrics`",
    doc: "full URL metrics are pushed to over OTLP/HTTP",
  }),
  OTEL_METRIC_EXPORT_INTERVAL: envVar({
    type: int(100, 3_600_000),
    default: "60000",
    doc: "ms between two OTLP metric pushes",
  }),
  OTEL_METRIC_EXPORT_TIMEOUT: envVar({
    type: int(1, 3_600_000),
    default: "30000",
    doc: "ms one OTLP metric push may take",
  }),
  OTEL_SERVICE_NAME: envVar({
    type: text(),
    defaultDoc: "the process's own name",
    doc: "`service.name` of its spans",
  }),
  OTEL_SDK_DISABLED: envVar({
    type: bool(),
    default: "false",
    doc: "`true` turns tracing off even with an endpoint",
  }),
  OTEL_BSP_SCHEDULE_DELAY: envVar({
    type: int(1, 3_600_000),
    default: "5000",
    doc: "ms between two batch exports of spans",
  }),
  OTEL_EXPORTER_OTLP_TIMEOUT: envVar({
    type: int(1, 3_600_000),
    default: "10000",
    doc: "timeout of one span export, in ms",
  }),
  OTEL_DENO: envVar({
    type: bool().refine((on) => !on, {
      error: "must not be set: Deno's built-in OpenTelemetry takes the global API and OMS tracing would " +
        "receive nothing; set OTEL_EXPORTER_OTLP_ENDPOINT alone",
    }),
    default: "false",
    doc: "must stay off (Deno's built-in OpenTelemetry would starve OMS's tracing)",
  }),
  CONSUL_HTTP_ADDR: envVar({
    type: parsedBy((raw) => {
      discoveryConfig({ CONSUL_HTTP_ADDR: raw });
      return raw;
    }),
    defaultDoc: "unset: static addresses",
    doc: "Consul agent (`host:port` or an http(s) URL): services register, every process resolves peers",
  }),
  CONSUL_HTTP_SSL: envVar({
    type: bool(),
    default: "false",
    doc: "`true`: https to a `host:port` Consul agent",
  }),
  CONSUL_HTTP_TOKEN: envVar({
    type: text(),
    secret: true,
    defaultDoc: "unset",
    doc: "Consul ACL token sent with every Consul call",
  }),
  SERVICE_ADVERTISE_ADDR: envVar({
    type: matching(/^[A-Za-z0-9._:-]+$/, "a host name or IP address"),
    defaultDoc: "bound host, or the hostname when bound to `0.0.0.0`",
    doc: "address other processes and Consul's checks reach this one at (Consul registration)",
  }),
  SERVICE_VERSION: envVar({
    type: text(),
    default: DEFAULT_SERVICE_VERSION,
    doc: "version in the Consul registration's meta",
  }),
  CONSUL_CHECK_INTERVAL: envVar({
    type: duration(),
    default: "3s",
    doc: "how often Consul runs the health check (HTTP `/readyz` on the Connect port, else gRPC health)",
  }),
  CONSUL_CHECK_TIMEOUT: envVar({
    type: duration(),
    default: "2s",
    doc: "deadline of one Consul health check",
  }),
  CONSUL_DEREGISTER_CRITICAL_AFTER: envVar({
    type: duration(),
    default: "1m",
    doc: "Consul removes an instance critical this long",
  }),
  CONSUL_SYNC_INTERVAL_MS: envVar({
    type: int(100, 3_600_000),
    default: "10000",
    doc: "how often a service checks that Consul still knows it, in ms",
  }),
  CONSUL_WATCH_WAIT: envVar({
    type: duration(),
    default: "30s",
    doc: "longest blocking query of a Consul resolver",
  }),
  CONSUL_RPC_TRANSPORT: envVar({
    type: oneOf(["grpc", "connect"]),
    default: "grpc",
    doc: "how peers found through Consul are called: `connect` uses each instance's advertised " +
      "`<SERVICE>_CONNECT_PORT` (about half gRPC's CPU per call)",
  }),
} as const;

/** Each process's Prometheus endpoint (`services/common/metrics/`); web reads them all for its System page. */
export const METRICS_PORTS = {
  ...perService("METRICS_PORT", () =>
    envVar({
      type: port(),
      defaultDoc: "unset: no endpoint (dev 9461-9464, compose 9464)",
      doc: "port of a process's Prometheus `/metrics` endpoint",
    })),
  WEB_METRICS_PORT: envVar({
    type: port(),
    defaultDoc: "unset: no endpoint (dev 9465, compose 9464)",
    doc: "port of web's Prometheus `/metrics` endpoint (not the public port)",
  }),
} as const;

/** Where web's System page scrapes each process (`services/common/metrics/endpoints.ts`). */
export const METRICS_ADDRS = {
  ...perService("METRICS_ADDR", () =>
    envVar({
      type: matching(/^[A-Za-z0-9._-]+:\d{1,5}$/, "host:port"),
      defaultDoc: "`127.0.0.1:<SERVICE>_METRICS_PORT`",
      doc: "`host:port` where web's System page scrapes a service's metrics",
    })),
  WEB_METRICS_ADDR: envVar({
    type: matching(/^[A-Za-z0-9._-]+:\d{1,5}$/, "host:port"),
    defaultDoc: "`127.0.0.1:WEB_METRICS_PORT`",
    doc: "`host:port` where web's System page scrapes web's own metrics",
  }),
} as const;

/** Variables the four services read (broker, bus, gRPC). */
export const EVERY_SERVICE = {
  GRPC_HOST: envVar({
    type: matching(/^[A-Za-z0-9._:-]+$/, "a host name or IP address"),
    default: "127.0.0.1",
    doc: "interface the gRPC server binds to (`0.0.0.0` in containers)",
  }),
  AMQP_URL: envVar({
    type: matching(/^(amqps?:\/\/.+|memory)$/, "amqp://..., amqps://... or memory"),
    default: "amqp://guest:guest@127.0.0.1:5672",
    doc:
      "RabbitMQ broker, or a comma-separated list of a cluster's nodes to fail over between (`amqp://u:p@a:5672,b:5672`; `memory`: in-process bus, every service in one process)",
  }),
  ...perService("AMQP_URL", () =>
    envVar({
      type: matching(/^amqps?:\/\/.+$/, "amqp://... or amqps://..."),
      defaultDoc: "unset: `AMQP_URL`",
      doc: "a service's own broker URL (its own broker user), for several services in one process",
    })),
  OMS_BROKER_USER_PREFIX: envVar({
    type: text(),
    default: "oms-",
    doc: "each service connects as broker user `<prefix><service>`",
  }),
  OMS_EXCHANGE: envVar({
    type: text(),
    default: "oms.events",
    doc: "the durable topic exchange of the events",
  }),
  OMS_QUEUE_PREFIX: envVar({ type: text(), default: "oms", doc: "queues are `<prefix>.<service>`" }),
  OMS_RETRY_DELAYS_MS: envVar({
    type: matching(/^\s*\d+\s*(,\s*\d+\s*)*$/, "a comma-separated list of delays in ms (1 to 86400000)")
      .refine((v) => v.split(",").every((d) => Number(d) >= 1 && Number(d) <= 86_400_000), {
        error: "must be a comma-separated list of delays in ms (1 to 86400000)",
      }),
    default: "1000,5000,25000",
    doc: "delays before each retry of a failed message; after the last one it is parked",
  }),
  DENO_KV_ACCESS_TOKEN: envVar({
    type: text(),
    secret: true,
    defaultDoc: "required when a `<SERVICE>_KV_PATH` is an `http(s)://` KV Connect URL",
    doc: "bearer token of the KV Connect server (e.g. `denokv serve --access-token`)",
  }),
  OMS_GRPC_REFLECTION: envVar({
    type: bool(),
    default: "true",
    doc: "gRPC server reflection (grpcurl, Postman); calls need the service token like every other",
  }),
  OMS_QUEUE_TYPE: envVar({
    type: oneOf(["quorum", "classic"]),
    default: "quorum",
    doc:
      "type of the service, retry and dead-letter queues (`classic` for brokers before 3.10 or queues declared so)",
  }),
  OMS_DELIVERY_LIMIT: envVar({
    type: int(1, 1000),
    default: "20",
    doc: "`x-delivery-limit` of quorum service queues: deliveries without an ack before `<queue>.dead`",
  }),
  OMS_RELAY_START_DELAY_MS: envVar({
    type: int(0, 3_600_000),
    default: "0",
    doc: "delay before the outbox relay's first pass (a fault-injection knob for crash tests)",
  }),
} as const;

/** Each service's KV store (a service reads only its own). */
export const KV_PATHS = perService("KV_PATH", () =>
  envVar({
    type: text(),
    defaultDoc: `\`<DATA_DIR>/<service>.kv\``,
    doc: "a service's Deno KV store: a file (one process per file) or a KV Connect URL",
  }));

/** The services' gRPC targets (web reads all four; orders reads stock's and payments'; stock orders'). */
export const SERVICE_ADDRS = perService("ADDR", () =>
  envVar({
    type: parsedBy(grpcTarget),
    defaultDoc: `\`127.0.0.1:<dev port>\`; with \`CONSUL_HTTP_ADDR\`, \`consul://<agent>/<service>\``,
    doc: "target of a service: gRPC (`host:port` or a `dns:`/`consul:` URI) or its Connect endpoint " +
      "(`http://host:port`, see `<SERVICE>_CONNECT_PORT`)",
  }));

/** Variables a few processes share. */
export const SHARED = {
  OMS_ENV: envVar({
    type: text(),
    default: "production",
    defaultDoc: "`production` (`deno task dev` and the test harness: `development`)",
    doc: "`development` allows the local payment provider and a weak admin password (a warning)",
  }),
  PUBLIC_URL: envVar({
    type: httpUrl(),
    defaultDoc: `unset (payments: \`http://localhost:${DEFAULT_PORTS.web}\`)`,
    doc:
      "the site's public URL: payments' return and pay links; `https://` makes web's cookies `Secure` and adds HSTS",
  }),
} as const;

/** Each service's Connect port: the same methods over HTTP/1.1, which OMS's own processes call. */
export const CONNECT_PORTS = perService("CONNECT_PORT", () =>
  envVar({
    type: port(),
    defaultDoc: "unset: gRPC only (`deno task dev`: 50061-50064; the bench and the system tests set it)",
    doc: "port where a service also serves its methods over the Connect protocol (0 picks a free one); " +
      "peers call it with `<SERVICE>_ADDR=http://host:port`, at about half of gRPC's CPU per unary call",
  }));

/** Each service's gRPC port. */
export const GRPC_PORTS = perService(
  "GRPC_PORT",
  (service) =>
    envVar({
      type: port(),
      default: String(DEFAULT_PORTS[service]),
      doc: "a service's gRPC port (0 picks a free one)",
    }),
);

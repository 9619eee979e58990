/**
 * Calling gRPC methods as promises with a deadline; failures become {@linkcode RpcError}s.
 *
 * @module
 */
import {
  type CallOptions,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  credentials,
  type Interceptor,
  Metadata,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceError,
  status as GrpcStatus,
} from "@grpc/grpc-js";
import { callUnary, failure, requestHeaders, type UnaryOutcome } from "./connect/unary.ts";
import { UNARY_TYPE } from "./connect/protocol.ts";
import { ConnectChannel, isConnectTarget } from "./connect/channel.ts";
import { inProcessTarget } from "./connect/in_process.ts";
import { ConsulConnectChannel, isConsulConnectTarget } from "./connect/consul_channel.ts";
import { Buffer } from "node:buffer";
import { AUTHORIZATION_KEY, bearer, serviceTokenInterceptor } from "./auth/service_credential.ts";
import { StaffClaims, type StaffIdentity, staffInterceptor } from "./auth/staff_claim.ts";
import { CONSUL_SCHEME, registerConsulResolver } from "./discovery/consul_resolver.ts";
import { RpcError } from "./errors.ts";
import { endRpcSpan, startClientCall } from "./tracing/grpc.ts";
import { metricsEnabled, recordRpcClient } from "./metrics/record.ts";

type Callback<Res> = (err: ServiceError | null, res: Res) => void;
type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  cb: Callback<Res>,
) => ClientUnaryCall;

type RequestOf<M> = M extends UnaryMethod<infer Req, infer _Res> ? Req : never;
type ResponseOf<M> = M extends UnaryMethod<infer _Req, infer Res> ? Res : never;

/** Options of one call. */
export interface CallOpts {
  /** Deadline in milliseconds from now (default 5000). */
  timeoutMs?: number;
  /** Extra metadata (e.g. trace context). */
  metadata?: Metadata;
}

/** Calls `client[method](req)` and resolves with the response; rejects with an {@linkcode RpcError}. */
export function rpc<C extends Client, K extends keyof C & string>(
  client: C,
  method: K,
  req: RequestOf<C[K]>,
  opts: CallOpts = {},
): Promise<ResponseOf<C[K]>> {
  const direct = directOf.get(client);
  const def = direct?.methods[method];
  if (direct && def && !def.requestStream && !def.responseStream) {
    return rpcOverConnect(
      client,
      direct,
      method,
      def as MethodDefinition<RequestOf<C[K]>, ResponseOf<C[K]>>,
      req,
      opts,
    );
  }
  const fn = client[method] as unknown as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>;
  const deadline = new Date(Date.now() + (opts.timeoutMs ?? 5000));
  // a CLIENT span (child of the active span) whose context travels in the metadata as traceparent
  const { span, metadata } = startClientCall(client, method, opts.metadata ?? new Metadata());
  const started = metricsEnabled() ? performance.now() : 0;
  return new Promise((resolve, reject) => {
    fn.call(client, req, metadata, { deadline }, (err, res) => {
      endRpcSpan(span, "client", err ? err.code : 0, err?.details);
      if (started !== 0) {
        recordRpcClient(rpcPath(client, method), err ? err.code : 0, performance.now() - started);
      }
      if (err) reject(RpcError.fromServiceError(err, peerName(client)));
      else resolve(res);
    });
  });
}

/**
 * `rpc()` on a Connect client: the same span, metrics, credential and errors, but one `fetch` instead of
 * grpc-js's client stack (interceptors, call objects), which costs as much CPU as the call itself.
 */
async function rpcOverConnect<Req, Res>(
  client: Client,
  direct: Direct,
  method: string,
  def: MethodDefinition<Req, Res>,
  req: Req,
  opts: CallOpts,
): Promise<Res> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const { span, metadata } = startClientCall(client, method, opts.metadata ?? new Metadata());
  direct.decorate(metadata);
  const started = metricsEnabled() ? performance.now() : 0;
  let outcome: UnaryOutcome;
  let res: Res | undefined;
  try {
    const picked = direct.channel instanceof ConnectChannel ? direct.channel : await direct.channel.pick();
    outcome = !(picked instanceof ConnectChannel) ? { ok: false, status: picked } : await callUnary(
      picked,
      def.path,
      def.requestSerialize(req),
      requestHeaders(UNARY_TYPE, metadata, timeoutMs),
      timeoutMs,
    );
  } catch (err) {
    outcome = failure(GrpcStatus.INTERNAL, `The request could not be sent: ${(err as Error).message}`);
  }
  if (outcome.ok) {
    try {
      res = def.responseDeserialize(
        Buffer.from(outcome.bytes.buffer, outcome.bytes.byteOffset, outcome.bytes.length),
      );
    } catch {
      outcome = failure(GrpcStatus.INTERNAL, `The response of ${def.path} does not decode`);
    }
  }
  const code = outcome.ok ? GrpcStatus.OK : outcome.status.code;
  endRpcSpan(span, "client", code, outcome.ok ? undefined : outcome.status.details);
  if (started !== 0) recordRpcClient(def.path, code, performance.now() - started);
  if (!outcome.ok) {
    const { code: c, details, metadata: md } = outcome.status;
    const err = Object.assign(new Error(`${c} ${GrpcStatus[c] ?? ""}: ${details}`), {
      code: c,
      details,
      metadata: md,
    });
    throw RpcError.fromServiceError(err, peerName(client));
  }
  return res as Res;
}

/** The gRPC path of `method` on `client` (`/oms.stock.v1.StockService/ReserveItems`). */
function rpcPath(client: Client, method: string): string {
  const path = (client as unknown as Record<string, { path?: unknown }>)[method]?.path;
  return typeof path === "string"
    ? path
    : `${(client.constructor as { serviceName?: string }).serviceName}/${method}`;
}

/** A generated client constructor, e.g. `StockServiceClient` (its `service` is the definition). */
export type ClientCtor<C> =
  & (new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
    options?: Partial<ClientOptions>,
  ) => C)
  & { service?: ServiceDefinition };

/**
 * Options of every client {@linkcode connect} makes. A channel never goes idle: grpc-js would close an
 * idle channel's connection (after 30 min by default) with a GOAWAY, and Deno 2.9.6 can abort the
 * receiving server on a GOAWAY after a long idle session (denoland/deno#36788, see `exiting.ts`).
 */
export const CLIENT_OPTIONS: Partial<ClientOptions> = { "grpc.client_idle_timeout_ms": 2 ** 31 - 1 };

/** Options of {@linkcode connect}. */
export interface ConnectOptions {
  /**
   * Makes every call of the client a staff call of this identity (a fresh signed claim per call): for
   * tools and test harnesses. Web signs a claim per staff request instead.
   */
  staff?: StaffIdentity;
}

const interceptorsOf = new WeakMap<Client, Interceptor[]>();

/** How `rpc()` calls a Connect client directly: its channel, methods and credential. */
interface Direct {
  channel: ConnectChannel | ConsulConnectChannel;
  methods: ServiceDefinition;
  /** Adds what the client's interceptors would: the service credential, a staff claim. */
  decorate(metadata: Metadata): void;
}
const directOf = new WeakMap<Client, Direct>();

/**
 * Creates a client for `address`: `host:port` (static gRPC), `consul://<agent host:port>/<service>` to
 * resolve the service's healthy instances through Consul and spread calls round-robin over them, one
 * connection per instance (see `discovery/consul_resolver.ts`), or `http://host:port` to call the
 * service's Connect endpoint (`connect/channel.ts`: the same calls over Deno's native HTTP, at a
 * fraction of gRPC's CPU). The channel is insecure (cluster-internal); every call carries
 * `authorization: Bearer <serviceToken>`, set by an interceptor of the client, so no call site can
 * forget it.
 */
export function connect<C>(
  Ctor: ClientCtor<C>,
  address: string,
  serviceToken: string,
  opts: ConnectOptions = {},
): C {
  if (address.startsWith(`${CONSUL_SCHEME}:`)) registerConsulResolver();
  const interceptors = [serviceTokenInterceptor(serviceToken)];
  if (opts.staff) interceptors.push(staffInterceptor(new StaffClaims(serviceToken), opts.staff));
  let client: C;
  // a gRPC target served by this very process (start:all): called in-process (connect/in_process.ts)
  const local = isConnectTarget(address) ? undefined : inProcessTarget(address);
  if (local || isConnectTarget(address) || isConsulConnectTarget(address)) {
    const channel = local
      ? new ConnectChannel(local)
      : isConnectTarget(address)
      ? new ConnectChannel(address)
      : new ConsulConnectChannel(address);
    client = new Ctor(address, credentials.createInsecure(), { channelOverride: channel, interceptors });
    const auth = bearer(serviceToken);
    const staff = opts.staff ? { claims: new StaffClaims(serviceToken), who: opts.staff } : undefined;
    const decorate = (md: Metadata) => {
      md.set(AUTHORIZATION_KEY, auth);
      if (staff) staff.claims.attach(md, staff.who);
    };
    directOf.set(client as Client, { channel, methods: {}, decorate });
    learn(client as Client, Ctor);
  } else client = new Ctor(address, credentials.createInsecure(), { ...CLIENT_OPTIONS, interceptors });
  interceptorsOf.set(client as Client, interceptors);
  return client;
}

/**
 * A client of another service served on the same port as `client` (e.g. dead letters), riding on its
 * channel (no new connection; closing `client` closes it too) with the same credential.
 */
export function connectOnChannelOf<C>(Ctor: ClientCtor<C>, client: Client): C {
  const interceptors = interceptorsOf.get(client);
  if (!interceptors) throw new Error("connectOnChannelOf needs a client made by connect()");
  const channel = client.getChannel();
  const made = new Ctor(channel.getTarget(), credentials.createInsecure(), {
    channelOverride: channel,
    interceptors,
  });
  const direct = directOf.get(client);
  if (direct) {
    directOf.set(made as Client, { ...direct, methods: {} });
    learn(made as Client, Ctor);
  }
  return made;
}

/** Tells a Connect client's channel and `rpc()` the methods of `Ctor`'s service. */
function learn(client: Client, Ctor: { service?: ServiceDefinition }): void {
  const direct = directOf.get(client);
  if (!direct || !Ctor.service) return;
  direct.channel.learn(Ctor.service);
  direct.methods = Ctor.service;
}

/** The short name of the service behind `client` ("stock" for `oms.stock.v1.StockService`). */
export function peerName(client: Client): string {
  const full = (client.constructor as { serviceName?: string }).serviceName ?? "";
  return full.match(/^oms\.([a-z]+)\./)?.[1] ?? (full || client.getChannel().getTarget());
}

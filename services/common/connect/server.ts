/**
 * Serving grpc-js service implementations over the Connect protocol (`protocol.ts`) with `Deno.serve`.
 *
 * The handlers are the very functions the gRPC server runs (with the credential guard, drain tracking,
 * tracing and metrics already wrapped around them): each gets a call object with the surface grpc-js
 * gives it — `request`, `metadata`, `getPath()`, `getPeer()`, `cancelled` and the `cancelled` event;
 * for a server stream also `write()` with back-pressure (`false`, then `drain`), `end()`, and
 * `emit("error", status)` to end with a status. So a service is written once and served both ways.
 *
 * Unary and server-streaming methods are served; client-streaming and bidi ones answer
 * `unimplemented` (Connect needs HTTP/2 for those, and OMS's own calls use none).
 *
 * Every request is untrusted: an unknown path is `unimplemented` (404), a method other than POST 405,
 * another content type 415, a body over {@linkcode MAX_MESSAGE_BYTES} `resource_exhausted`, bytes that
 * do not decode as the request message `invalid_argument`; none reaches a handler.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import {
  Metadata,
  type MethodDefinition,
  type ServiceDefinition,
  status as Code,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import {
  END_STREAM_FLAG,
  envelope,
  EnvelopeReader,
  errorJson,
  FramingError,
  httpStatusOf,
  MAX_MESSAGE_BYTES,
  MAX_TIMER_MS,
  metadataJson,
  readBody,
  readMetadata,
  STREAM_TYPE,
  TIMEOUT_HEADER,
  UNARY_TYPE,
  writeMetadata,
} from "./protocol.ts";
import { serveInProcess } from "./in_process.ts";

/** One service to serve: its generated definition and its (already wrapped) implementation. */
export interface ConnectService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /**
   * Checked before the body is read: a request whose headers it refuses is answered UNAUTHENTICATED at
   * once (the implementation's own guard still checks, as over gRPC). Unset: open (health).
   */
  admits?: (headers: Headers) => boolean;
}

type AnyDefinition = MethodDefinition<unknown, unknown>;
type StatusLike = { code?: number; details?: string; message?: string; metadata?: Metadata };
type UnaryCallback = (err: StatusLike | null | undefined, value?: unknown) => void;
type Handler = (call: ServerCall, callback?: UnaryCallback) => void;

interface Route {
  def: AnyDefinition;
  handler: Handler;
  stream: boolean;
  admits?: (headers: Headers) => boolean;
}

/** The call object a handler gets (the part of grpc-js's server call surface OMS uses). */
export class ServerCall extends EventEmitter {
  /** The decoded request message. */
  readonly request: unknown;
  /** The caller's metadata (from the request headers). */
  readonly metadata: Metadata;
  /** True once the caller went away or the deadline passed. */
  cancelled = false;
  readonly #path: string;
  readonly #peer: string;

  /** A call of `path` from `peer` carrying `request` and `metadata`. */
  constructor(path: string, peer: string, request: unknown, metadata: Metadata) {
    super();
    this.#path = path;
    this.#peer = peer;
    this.request = request;
    this.metadata = metadata;
  }

  /** The method's path, `/package.Service/Method`. */
  getPath(): string {
    return this.#path;
  }

  /** The caller's address, `host:port`. */
  getPeer(): string {
    return this.#peer;
  }

  /** Marks the call cancelled and tells the handler (once). */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emit("cancelled");
  }
}

/** A server-streaming call: messages are written into the response body as envelopes. */
class StreamCall extends ServerCall {
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #ended = false;
  #full = false;
  readonly #serialize: (value: unknown) => Uint8Array;
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;

  constructor(path: string, peer: string, request: unknown, metadata: Metadata, def: AnyDefinition) {
    super(path, peer, request, metadata);
    this.#serialize = def.responseSerialize as (value: unknown) => Uint8Array;
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: () => {
        if (!this.#full) return;
        this.#full = false;
        this.emit("drain");
      },
      cancel: () => this.#gone(),
    }, { highWaterMark: 16 });
    // `emit("error", status)` is how a grpc-js handler ends its stream with a status
    this.on("error", (status: StatusLike) => this.#finish(status));
  }

  /** Writes `message`; false when the caller is behind (wait for `drain`). */
  write(message: unknown): boolean {
    if (this.#ended || !this.#controller) return false;
    let bytes: Uint8Array;
    try {
      bytes = this.#serialize(message);
    } catch {
      this.#finish({ code: Code.INTERNAL, details: "Internal error" });
      return false;
    }
    this.#controller.enqueue(envelope(0, bytes));
    const room = (this.#controller.desiredSize ?? 1) > 0;
    if (!room) this.#full = true;
    return room;
  }

  /** Ends the stream with OK. */
  end(): void {
    this.#finish(null);
  }

  #gone(): void {
    if (!this.#ended) {
      this.#ended = true;
      this.cancel();
      this.emit("close");
    }
  }

  #finish(status: StatusLike | null): void {
    if (this.#ended || !this.#controller) return;
    this.#ended = true;
    const end: Record<string, unknown> = {};
    if (status && (status.code ?? Code.UNKNOWN) !== Code.OK) {
      const err = normalize(status);
      end.error = errorJson(err);
      const md = metadataJson(err.metadata);
      if (Object.keys(md).length > 0) end.metadata = md;
    }
    try {
      this.#controller.enqueue(envelope(END_STREAM_FLAG, new TextEncoder().encode(JSON.stringify(end))));
      this.#controller.close();
    } catch {
      // the body was already cancelled by the caller
    }
    this.emit("finish");
    this.emit("close");
  }
}

function normalize(status: StatusLike): { code: number; message: string; metadata: Metadata } {
  const code = typeof status.code === "number" && status.code !== Code.OK ? status.code : Code.UNKNOWN;
  const message = status.details ?? status.message ?? "";
  return { code, message, metadata: status.metadata instanceof Metadata ? status.metadata : new Metadata() };
}

const JSON_HEADERS = { "content-type": "application/json" };

/** The unary error response of `status`. */
function errorResponse(status: StatusLike): Response {
  const err = normalize(status);
  const headers = new Headers(JSON_HEADERS);
  writeMetadata(headers, err.metadata, "trailer-");
  return new Response(JSON.stringify(errorJson(err)), { status: httpStatusOf(err.code), headers });
}

/** A refusal at the HTTP level (route, method, content type), with the status the protocol names. */
function refusal(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorJson({ code, message })), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/** Every unary and server-streaming method of `services`, by path. */
function routesOf(services: readonly ConnectService[]): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const { definition, implementation, admits } of services) {
    for (const [name, def] of Object.entries(definition)) {
      const handler = implementation[name];
      if (typeof handler !== "function" || def.requestStream) continue;
      const route: Route = { def, handler: handler as unknown as Handler, stream: def.responseStream };
      if (admits) route.admits = admits;
      routes.set(def.path, route);
    }
  }
  return routes;
}

/**
 * The request handler serving `services` (each method at its gRPC path). `info` gives the caller's
 * address (`getPeer()`).
 */
export function connectHandler(
  services: readonly ConnectService[],
): (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response> {
  const routes = routesOf(services);
  return async (req, info) => {
    const path = pathOf(req.url);
    const route = routes.get(path);
    // the protocol's answer to an unknown route is 404, which a client reads as unimplemented
    if (!route) return refusal(404, Code.UNIMPLEMENTED, `${path} is not a method served here`);
    if (req.method !== "POST") return refusal(405, Code.UNIMPLEMENTED, "Use POST", { allow: "POST" });
    const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    const want = route.stream ? STREAM_TYPE : UNARY_TYPE;
    if (type !== want) {
      return refusal(415, Code.INVALID_ARGUMENT, `Content-Type must be ${want}`, { "accept-post": want });
    }
    if (route.admits && !route.admits(req.headers)) {
      // refused before its body is read: an unauthenticated caller makes the server read nothing
      await req.body?.cancel().catch(() => {});
      return errorResponse({ code: Code.UNAUTHENTICATED, details: `${path} needs the service credential` });
    }
    const addr = info?.remoteAddr as Deno.NetAddr | undefined;
    const peer = addr ? `${addr.hostname}:${addr.port}` : "unknown";
    let request: unknown;
    try {
      const body = await readBody(req, MAX_MESSAGE_BYTES + (route.stream ? 5 : 0));
      const bytes = route.stream ? unwrapOne(body) : body;
      request = route.def.requestDeserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (err) {
      if (err instanceof FramingError) {
        return errorResponse({ code: Code.RESOURCE_EXHAUSTED, details: err.message });
      }
      return errorResponse({
        code: Code.INVALID_ARGUMENT,
        details: `The request body is not a valid ${path} request message`,
      });
    }
    const metadata = readMetadata(req.headers);
    return route.stream
      ? serveStream(route, path, peer, request, metadata, timeoutOf(req.headers))
      : await serveUnary(route, path, peer, request, metadata, timeoutOf(req.headers));
  };
}

/** The path of absolute URL `url` (`http://host:port/path?query`), without parsing the rest. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/** The single message of a streaming request body. */
function unwrapOne(body: Uint8Array): Uint8Array {
  const reader = new EnvelopeReader();
  const envelopes = reader.push(body);
  if (envelopes.length !== 1 || reader.pending || envelopes[0]!.flags !== 0) {
    throw new Error("a server-streaming request is exactly one uncompressed message");
  }
  return envelopes[0]!.data;
}

/** The caller's deadline in ms (`connect-timeout-ms`: 1 to 10 digits), or undefined. */
function timeoutOf(headers: Headers): number | undefined {
  const raw = headers.get(TIMEOUT_HEADER);
  if (!raw || !/^\d{1,10}$/.test(raw)) return undefined;
  const ms = Number(raw);
  // past a timer's range (about 24.8 days) a deadline is as good as none
  return ms <= MAX_TIMER_MS ? ms : undefined;
}

/**
 * A unary call: the handler's answer, or DEADLINE_EXCEEDED (the call cancelled, as grpc-js does) when the
 * caller's deadline passes first. (`request.signal` is not used: Deno 2.9 also aborts it on success.)
 */
function serveUnary(
  route: Route,
  path: string,
  peer: string,
  request: unknown,
  metadata: Metadata,
  timeoutMs: number | undefined,
): Promise<Response> {
  const call = new ServerCall(path, peer, request, metadata);
  return new Promise<Response>((resolve) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply: UnaryCallback = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) return resolve(errorResponse(err));
      try {
        const bytes = (route.def.responseSerialize as (v: unknown) => Uint8Array<ArrayBuffer>)(value);
        resolve(new Response(bytes, { headers: { "content-type": UNARY_TYPE } }));
      } catch {
        resolve(errorResponse({ code: Code.INTERNAL, details: "Internal error" }));
      }
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        call.cancel();
        reply({ code: Code.DEADLINE_EXCEEDED, details: "Deadline exceeded" });
      }, timeoutMs);
    }
    try {
      route.handler(call, reply);
    } catch {
      reply({ code: Code.INTERNAL, details: "Internal error" });
    }
  });
}

/**
 * A server stream: the caller going away cancels the body, which cancels the call; the caller's
 * deadline, when it gave one, ends the stream DEADLINE_EXCEEDED.
 */
function serveStream(
  route: Route,
  path: string,
  peer: string,
  request: unknown,
  metadata: Metadata,
  timeoutMs: number | undefined,
): Response {
  const call = new StreamCall(path, peer, request, metadata, route.def);
  if (timeoutMs !== undefined) {
    const timer = setTimeout(() => {
      call.emit("error", { code: Code.DEADLINE_EXCEEDED, details: "Deadline exceeded" });
      call.cancel();
    }, timeoutMs);
    call.once("close", () => clearTimeout(timer));
  }
  try {
    route.handler(call);
  } catch {
    call.emit("error", { code: Code.INTERNAL, details: "Internal error" });
  }
  return new Response(call.body, { headers: { "content-type": STREAM_TYPE } });
}

/** The answer to a handler that threw (the message says nothing of why). */
function internalError(): Response {
  return errorResponse({ code: Code.INTERNAL, details: "Internal error" });
}

/** What a call from this process gives as its peer (`getPeer()`: `in-process:0`). */
const IN_PROCESS_INFO = {
  remoteAddr: { transport: "tcp", hostname: "in-process", port: 0 },
  completed: Promise.resolve(),
} as Deno.ServeHandlerInfo;

/** `services` registered for callers in this process ({@linkcode serveServicesInProcess}). */
export interface InProcessServing {
  /**
   * Unregisters (later calls from this process take the socket), waits up to `graceMs` for the calls in
   * flight to be answered, then answers the rest UNAVAILABLE, as a forced shutdown cuts a socket's.
   */
  drain(graceMs: number): Promise<void>;
}

/**
 * Registers `services` (or their `handler`, made once) for callers in this process on `host:port`
 * (`in_process.ts`): the handler Deno.serve runs, the same answer to one that throws, this process as
 * the peer.
 */
export function serveServicesInProcess(
  host: string,
  port: number,
  services: readonly ConnectService[] | ReturnType<typeof connectHandler>,
): InProcessServing {
  // made on the first in-process call: a process whose calls never are in-process builds nothing
  let handler = typeof services === "function" ? services : undefined;
  const inFlight = new Set<(res: Response) => void>();
  const idle = new Set<() => void>();
  const unregister = serveInProcess(host, port, (req) => {
    handler ??= connectHandler(services as readonly ConnectService[]);
    const cut = Promise.withResolvers<Response>();
    inFlight.add(cut.resolve);
    const answer = handler(req, IN_PROCESS_INFO).catch(internalError);
    return Promise.race([answer, cut.promise]).finally(() => {
      inFlight.delete(cut.resolve);
      if (inFlight.size === 0) { for (const f of idle) f(); }
    });
  });
  return {
    async drain(graceMs) {
      unregister();
      if (inFlight.size > 0) {
        const done = Promise.withResolvers<void>();
        idle.add(done.resolve);
        const timer = setTimeout(done.resolve, graceMs);
        await done.promise;
        clearTimeout(timer);
        idle.delete(done.resolve);
      }
      const shut = errorResponse({ code: Code.UNAVAILABLE, details: "The server shut down" });
      for (const cut of [...inFlight]) cut(shut.clone());
    },
  };
}

/** A running Connect server. */
export interface ConnectServer {
  /** The bound port. */
  port: number;
  /** Stops taking connections, waits up to `graceMs` for responses in flight, then closes the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@linkcode startConnectServer}. */
export interface ConnectServerOptions {
  /**
   * Serve `GET /readyz` too: 200 `SERVING` while this says so, else 503 `NOT_SERVING` (plain text), for
   * checkers that only read an HTTP status, such as Consul's HTTP checks (`discovery/registration.ts`).
   */
  ready?: () => boolean;
}

/** The path of the readiness answer ({@linkcode ConnectServerOptions.ready}). */
export const READYZ_PATH = "/readyz";

/** The readiness answer when `req` asks for it (a GET or HEAD of {@linkcode READYZ_PATH}), else undefined. */
function readinessAnswer(req: Request, ready: () => boolean): Response | undefined {
  // Connect's calls are POSTs: they never pay for the URL parse
  if (req.method !== "GET" && req.method !== "HEAD") return undefined;
  if (new URL(req.url).pathname !== READYZ_PATH) return undefined;
  const ok = ready();
  return new Response(req.method === "HEAD" ? null : ok ? "SERVING\n" : "NOT_SERVING\n", {
    status: ok ? 200 : 503,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** Serves `services` on `host:port` (0: a free port); throws when the port cannot be bound. */
export function startConnectServer(
  host: string,
  port: number,
  services: readonly ConnectService[],
  options: ConnectServerOptions = {},
): ConnectServer {
  const handler = connectHandler(services);
  const { ready } = options;
  const server = Deno.serve({
    hostname: host,
    port,
    onListen: () => {},
    onError: internalError,
  }, ready ? (req, info) => readinessAnswer(req, ready) ?? handler(req, info) : handler);
  // callers in this process may skip the socket (start:all, in_process.ts)
  const inProcess = serveServicesInProcess(host, server.addr.port, handler);
  return {
    port: server.addr.port,
    async stop(graceMs = 5000) {
      const inProcessDrained = inProcess.drain(graceMs);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([
        server.shutdown().then(() => true),
        new Promise<boolean>((r) => timer = setTimeout(() => r(false), graceMs)),
      ]);
      clearTimeout(timer);
      // a response still open after the grace no longer holds the process (its exit closes it)
      if (!drained) server.unref();
      await inProcessDrained;
    },
  };
}

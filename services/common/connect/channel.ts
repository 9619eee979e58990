/**
 * A grpc-js channel that carries calls over the Connect protocol (`protocol.ts`) with Deno's `fetch`.
 *
 * grpc-js lets a client run on any channel (`channelOverride`): its interceptors, serialisation,
 * deadlines, callbacks and readable streams all sit above the channel, which only moves a call's bytes.
 * So a generated client on a {@linkcode ConnectChannel} is used exactly as on a gRPC one — `rpc()`,
 * the service credential and staff claim interceptors, tracing, the watch streams — while each call is
 * one HTTP/1.1 request on a kept-alive connection, handled by Deno's native HTTP client.
 *
 * Whether a method streams its response is not part of what a channel is told, so the channel learns
 * it from the service definitions of the clients made on it ({@linkcode ConnectChannel.learn}); a
 * method it was not told about is called as unary.
 *
 * Failures arrive as gRPC statuses: a refused connection or a lost stream is UNAVAILABLE, a passed
 * deadline DEADLINE_EXCEEDED, a response that breaks the protocol INTERNAL, and an error the server sent
 * keeps its code, message and metadata (OMS's typed error detail among them).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type ChannelInterface,
  connectivityState as State,
  type Deadline,
  type InterceptingListener,
  Metadata,
  type ServiceDefinition,
  status as Code,
  type StatusObject,
} from "@grpc/grpc-js";
import {
  END_STREAM_FLAG,
  envelope,
  EnvelopeReader,
  errorFromJson,
  FramingError,
  MAX_MESSAGE_BYTES,
  MAX_TIMER_MS,
  metadataFromJson,
  readMetadata,
  STREAM_TYPE,
  UNARY_TYPE,
} from "./protocol.ts";
import { dispatchInProcess, inProcessHandler } from "./in_process.ts";
import { callUnary, failedResponse, requestHeaders } from "./unary.ts";

type GrpcCall = ReturnType<ChannelInterface["createCall"]>;
type ChannelRef = ReturnType<ChannelInterface["getChannelzRef"]>;
type Connectivity = ReturnType<ChannelInterface["getConnectivityState"]>;

/** Messages read ahead of the caller on a stream before reading pauses. */
const READ_AHEAD = 16;
const decoder = new TextDecoder();

/** True when `target` names a Connect endpoint (`http://host:port`) rather than a gRPC target. */
export function isConnectTarget(target: string): boolean {
  return target.startsWith("http://") || target.startsWith("https://");
}

/** A channel to one Connect endpoint, `http://host:port`. */
export class ConnectChannel implements ChannelInterface {
  readonly #target: string;
  readonly #base: string;
  readonly #peer: string;
  readonly #hostname: string;
  readonly #port: number;
  readonly #client: Deno.HttpClient;
  readonly #streaming = new Set<string>();
  #state: Connectivity = State.IDLE;
  #watchers = new Set<() => void>();
  #calls = 0;

  /** A channel to `target` (`http://host:port`, no path). */
  constructor(target: string) {
    const url = new URL(target);
    if (!isConnectTarget(target) || (url.pathname !== "/" && url.pathname !== "")) {
      throw new Error(`A Connect target is http(s)://host:port, got "${target}"`);
    }
    this.#target = target;
    this.#base = url.origin;
    this.#peer = url.host;
    this.#hostname = url.hostname;
    this.#port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    this.#client = Deno.createHttpClient({});
  }

  /** Tells the channel which methods of `definition` stream their response. */
  learn(definition: ServiceDefinition): void {
    for (const def of Object.values(definition)) if (def.responseStream) this.#streaming.add(def.path);
  }

  /** Closes the channel's connections; later calls fail UNAVAILABLE. */
  close(): void {
    if (this.#state === State.SHUTDOWN) return;
    this.#client.close();
    this.#setState(State.SHUTDOWN);
  }

  /** The target as given. */
  getTarget(): string {
    return this.#target;
  }

  /** IDLE until a call reached the server, READY after, TRANSIENT_FAILURE after a refused connection. */
  getConnectivityState(_tryToConnect: boolean): Connectivity {
    return this.#state;
  }

  /** Calls `callback` when the state leaves `currentState`, or with an error at `deadline`. */
  watchConnectivityState(
    currentState: Connectivity,
    deadline: Date | number,
    callback: (error?: Error) => void,
  ): void {
    if (this.#state !== currentState) {
      queueMicrotask(() => callback());
      return;
    }
    const at = new Date(deadline).getTime(); // NaN for an Infinity deadline: no end
    const ms = Number.isFinite(at) ? Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())) : MAX_TIMER_MS;
    const changed = () => {
      clearTimeout(timer);
      this.#watchers.delete(changed);
      callback();
    };
    const timer = setTimeout(() => {
      this.#watchers.delete(changed);
      callback(new Error("Deadline passed without connectivity state change"));
    }, ms);
    this.#watchers.add(changed);
  }

  /** A channelz reference (channelz is not tracked for Connect channels). */
  getChannelzRef(): ChannelRef {
    return { kind: "channel", id: 0, name: this.#target } as unknown as ChannelRef;
  }

  /** A call of `method` (`/package.Service/Method`) with `deadline`. */
  createCall(method: string, deadline: Deadline): GrpcCall {
    return new ConnectCall(this, method, deadline, this.#streaming.has(method), ++this.#calls);
  }

  /** @internal the URL of `method`. */
  urlOf(method: string): string {
    return this.#base + method;
  }

  /** @internal `host:port` of the endpoint. */
  get peer(): string {
    return this.#peer;
  }

  /** @internal the HTTP client, or undefined once closed. */
  get client(): Deno.HttpClient | undefined {
    return this.#state === State.SHUTDOWN ? undefined : this.#client;
  }

  /**
   * @internal POSTs `body` to `method`: handed to the server's handler when it runs in this process and
   * in-process calls are on (`in_process.ts`), else with `fetch` on the channel's client. Rejects as
   * `fetch` does (also once the channel is closed).
   */
  post(
    method: string,
    headers: HeadersInit,
    body: Uint8Array,
    signal: AbortSignal,
    streamed: boolean,
  ): Promise<Response> {
    const client = this.client;
    if (!client) return Promise.reject(new TypeError("The channel is closed"));
    const local = inProcessHandler(this.#hostname, this.#port);
    if (local) return dispatchInProcess(local, { url: this.urlOf(method), headers, body, signal, streamed });
    return fetch(this.urlOf(method), {
      method: "POST",
      headers,
      body: body as Uint8Array<ArrayBuffer>,
      signal,
      client,
    });
  }

  /** @internal records whether a call reached the server. */
  reached(ok: boolean): void {
    if (this.#state === State.SHUTDOWN) return;
    this.#setState(ok ? State.READY : State.TRANSIENT_FAILURE);
  }

  #setState(state: Connectivity): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const w of [...this.#watchers]) w();
  }
}

/** One call on a {@linkcode ConnectChannel}: the grpc-js `Call` a client's interceptors sit on. */
class ConnectCall implements GrpcCall {
  readonly #channel: ConnectChannel;
  readonly #method: string;
  readonly #deadline: Deadline;
  readonly #stream: boolean;
  readonly #number: number;
  readonly #ac = new AbortController();
  #listener: InterceptingListener | undefined;
  #metadata = new Metadata();
  #message: Buffer | undefined;
  #queue: Buffer[] = [];
  #reads = 0;
  #status: StatusObject | undefined;
  #done = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resumeReading: (() => void) | undefined;

  constructor(channel: ConnectChannel, method: string, deadline: Deadline, stream: boolean, number: number) {
    this.#channel = channel;
    this.#method = method;
    this.#deadline = deadline;
    this.#stream = stream;
    this.#number = number;
  }

  start(metadata: Metadata, listener: InterceptingListener): void {
    this.#metadata = metadata;
    this.#listener = listener;
  }

  sendMessageWithContext(context: { callback?: (error?: Error | null) => void }, message: Buffer): void {
    this.#message = message;
    context.callback?.();
  }

  halfClose(): void {
    void this.#send();
  }

  startRead(): void {
    this.#reads++;
    this.#pump();
  }

  cancelWithStatus(code: number, details: string): void {
    this.#queue = [];
    this.#finish({ code, details, metadata: new Metadata() }, true);
  }

  getPeer(): string {
    return this.#channel.peer;
  }

  getCallNumber(): number {
    return this.#number;
  }

  setCredentials(): void {
    // per-call credentials are not used by OMS: its credentials are interceptors
  }

  getAuthContext(): null {
    return null;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  #remainingMs(): number {
    const d = this.#deadline;
    if (d === Infinity) return Infinity;
    return (d instanceof Date ? d.getTime() : d) - Date.now();
  }

  async #send(): Promise<void> {
    const ms = this.#remainingMs();
    const message = this.#message ?? Buffer.alloc(0);
    if (!this.#stream) {
      const outcome = await callUnary(
        this.#channel,
        this.#method,
        message,
        requestHeaders(UNARY_TYPE, this.#metadata, ms),
        ms,
        this.#ac.signal,
      );
      if (this.#done) return;
      if (!outcome.ok) return this.#finish(outcome.status, false);
      this.#listener?.onReceiveMetadata(new Metadata());
      const { bytes } = outcome;
      this.#queue.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return this.#finish({ code: Code.OK, details: "OK", metadata: outcome.metadata }, false);
    }
    if (!this.#channel.client) return this.#finish(status(Code.UNAVAILABLE, "The channel is closed"), true);
    if (ms <= 0) return this.#finish(status(Code.DEADLINE_EXCEEDED, "Deadline exceeded"), true);
    const headers = requestHeaders(STREAM_TYPE, this.#metadata, ms);
    if (ms <= MAX_TIMER_MS) {
      this.#timer = setTimeout(
        () => this.#finish(status(Code.DEADLINE_EXCEEDED, "Deadline exceeded"), true),
        ms,
      );
    }
    let res: Response;
    try {
      res = await this.#channel.post(this.#method, headers, envelope(0, message), this.#ac.signal, true);
    } catch (err) {
      if (this.#done) return;
      this.#channel.reached(false);
      const why = err instanceof Error ? err.message : String(err);
      return this.#finish(
        status(Code.UNAVAILABLE, `No connection to ${this.#channel.getTarget()}: ${why}`),
        true,
      );
    }
    this.#channel.reached(true);
    if (this.#done) {
      await res.body?.cancel().catch(() => {});
      return;
    }
    if (res.status !== 200) {
      const outcome = await failedResponse(res);
      return this.#finish(outcome.status, false);
    }
    this.#listener?.onReceiveMetadata(readMetadata(res.headers));
    try {
      await this.#readStream(res);
    } catch (err) {
      if (this.#done) return;
      if (err instanceof FramingError) this.#finish(status(Code.RESOURCE_EXHAUSTED, err.message), true);
      else {
        const why = err instanceof Error ? err.message : String(err);
        this.#finish(
          status(Code.UNAVAILABLE, `The stream from ${this.#channel.getTarget()} broke off: ${why}`),
          true,
        );
      }
    }
  }

  async #readStream(res: Response): Promise<void> {
    if (!res.body || res.headers.get("content-type")?.split(";")[0] !== STREAM_TYPE) {
      await res.body?.cancel();
      return this.#finish(
        status(Code.INTERNAL, `Unexpected response content type from ${this.#method}`),
        true,
      );
    }
    const frames = new EnvelopeReader(MAX_MESSAGE_BYTES);
    const reader = res.body.getReader();
    try {
      for (;;) {
        while (this.#queue.length >= READ_AHEAD && !this.#done) {
          await new Promise<void>((resolve) => this.#resumeReading = resolve);
        }
        if (this.#done) return;
        const { done, value } = await reader.read();
        if (done) break;
        for (const env of frames.push(value)) {
          if (env.flags & END_STREAM_FLAG) {
            return this.#endOfStream(env.data);
          }
          if (env.flags !== 0) {
            return this.#finish(status(Code.INTERNAL, "Compressed stream messages are not supported"), true);
          }
          this.#queue.push(Buffer.from(env.data.buffer, env.data.byteOffset, env.data.length));
        }
        this.#pump();
      }
    } finally {
      if (this.#done) reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    if (!this.#done) {
      this.#finish(
        status(
          Code.UNAVAILABLE,
          `The stream from ${this.#channel.getTarget()} ended without its end message`,
        ),
        false,
      );
    }
  }

  #endOfStream(data: Uint8Array): void {
    let json: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(decoder.decode(data));
      if (parsed && typeof parsed === "object") json = parsed;
    } catch {
      return this.#finish(status(Code.INTERNAL, "The stream's end message is not JSON"), false);
    }
    const metadata = metadataFromJson(json.metadata);
    if (json.error === undefined) return this.#finish({ code: Code.OK, details: "OK", metadata }, false);
    const err = errorFromJson(json.error, Code.UNKNOWN, metadata);
    this.#finish({ code: err.code, details: err.message, metadata: err.metadata }, false);
  }

  /** Hands queued messages to the listener as it asks for them, then the status once all are read. */
  #pump(): void {
    while (this.#reads > 0 && this.#queue.length > 0) {
      this.#reads--;
      this.#listener?.onReceiveMessage(this.#queue.shift());
    }
    if (this.#queue.length < READ_AHEAD && this.#resumeReading) {
      const resume = this.#resumeReading;
      this.#resumeReading = undefined;
      resume();
    }
    if (this.#status && this.#queue.length === 0) {
      const s = this.#status;
      this.#status = undefined;
      this.#listener?.onReceiveStatus(s);
    }
  }

  /** Ends the call with `s` (once); `abort` stops the request too. */
  #finish(s: StatusObject, abort: boolean): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    if (abort) {
      this.#queue = [];
      this.#ac.abort();
    }
    this.#status = s;
    if (this.#resumeReading) {
      this.#resumeReading();
      this.#resumeReading = undefined;
    }
    // never synchronously inside the caller's own call (a cancel()), as grpc-js: a listener attached
    // right after still hears the status
    queueMicrotask(() => this.#pump());
  }
}

function status(code: number, details: string): StatusObject {
  return { code, details, metadata: new Metadata() };
}

/**
 * A Connect channel to a service found through Consul: `consul://<agent>/<service>?transport=connect`.
 *
 * The Consul resolver (`discovery/consul_resolver.ts`, the one gRPC channels use) watches the service's
 * passing instances; each instance advertises its Connect port as the `connect_port` meta
 * (`discovery/registration.ts`). The channel keeps a {@linkcode ConnectChannel} per instance and spreads
 * calls round-robin over them; an instance Consul stops listing (deregistered, check critical) gets no
 * new call. A call made before Consul first answered waits for that answer; with no instance, or
 * Consul unreachable before any answer, calls fail UNAVAILABLE with the resolver's reason (the typed
 * `RpcError("unavailable", ...)` detail included, as over gRPC).
 *
 * @module
 */
import type { Buffer } from "node:buffer";
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
import { ConsulResolver } from "../discovery/consul_resolver.ts";
import { hostForUrl } from "../discovery/registration.ts";
import { ConnectChannel } from "./channel.ts";

type GrpcCall = ReturnType<ChannelInterface["createCall"]>;
type ChannelRef = ReturnType<ChannelInterface["getChannelzRef"]>;
type Connectivity = ReturnType<ChannelInterface["getConnectivityState"]>;
type Listener = ConstructorParameters<typeof ConsulResolver>[1];

/** True when `target` is a Consul target asking for the Connect transport. */
export function isConsulConnectTarget(target: string): boolean {
  return target.startsWith("consul:") && /[?&]transport=connect(&|$)/.test(target);
}

/** Channels to every passing instance of one service, called round-robin. */
export class ConsulConnectChannel implements ChannelInterface {
  readonly #target: string;
  readonly #resolver: ConsulResolver;
  readonly #definitions: ServiceDefinition[] = [];
  #channels = new Map<string, ConnectChannel>();
  #order: ConnectChannel[] = [];
  #next = 0;
  /** Why calls fail now (no instance, Consul unreachable), when they do. */
  #failure: StatusObject | undefined;
  #resolved = false;
  #waiting: (() => void)[] = [];
  #closed = false;

  /** A channel for `target` (`consul://host:port/service?transport=connect[&wait=..][&https=1]`). */
  constructor(target: string) {
    const m = target.match(/^consul:\/\/([^/]*)\/(.*)$/);
    if (!m) throw new Error(`A Consul target is consul://<agent host:port>/<service>, got "${target}"`);
    this.#target = target;
    const listener: Listener = (endpoints, _attributes, _config, note) => {
      if (this.#closed) return false;
      if (endpoints.ok) {
        this.#update(endpoints.value.flatMap((e) => {
          const a = e.addresses[0];
          return a && "host" in a ? [{ host: a.host, port: a.port }] : [];
        }));
      } else this.#failure = { ...endpoints.error, details: endpoints.error.details || note };
      this.#settle();
      return true;
    };
    this.#resolver = new ConsulResolver({ scheme: "consul", authority: m[1], path: m[2]! }, listener, {});
    this.#resolver.updateResolution();
  }

  /** Tells every instance's channel which methods of `definition` stream. */
  learn(definition: ServiceDefinition): void {
    this.#definitions.push(definition);
    for (const c of this.#order) c.learn(definition);
  }

  /**
   * The channel of the next instance, or the status calls fail with now; waits for Consul's first
   * answer.
   */
  async pick(): Promise<ConnectChannel | StatusObject> {
    if (!this.#resolved && !this.#closed) await new Promise<void>((r) => this.#waiting.push(r));
    return this.#pickNow();
  }

  #pickNow(): ConnectChannel | StatusObject {
    if (this.#closed) {
      return { code: Code.UNAVAILABLE, details: "The channel is closed", metadata: new Metadata() };
    }
    if (this.#order.length === 0) {
      return this.#failure ??
        {
          code: Code.UNAVAILABLE,
          details: `No instance of ${this.#target} is known`,
          metadata: new Metadata(),
        };
    }
    const channel = this.#order[this.#next++ % this.#order.length]!;
    return channel;
  }

  /** Keeps a channel per address now listed, closing those of addresses no longer listed. */
  #update(addresses: { host?: string; port?: number }[]): void {
    const next = new Map<string, ConnectChannel>();
    for (const a of addresses) {
      if (!a.host || !a.port) continue;
      const url = `http://${hostForUrl(a.host)}:${a.port}`;
      let channel = this.#channels.get(url) ?? next.get(url);
      if (!channel) {
        channel = new ConnectChannel(url);
        for (const d of this.#definitions) channel.learn(d);
      }
      next.set(url, channel);
    }
    for (const [url, channel] of this.#channels) if (!next.has(url)) channel.close();
    this.#channels = next;
    this.#order = [...next.values()];
    if (this.#order.length > 0) this.#failure = undefined;
  }

  #settle(): void {
    this.#resolved = true;
    for (const w of this.#waiting.splice(0)) w();
  }

  /** Stops watching Consul and closes every instance's connections. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#resolver.destroy();
    for (const c of this.#channels.values()) c.close();
    this.#channels.clear();
    this.#order = [];
    this.#settle();
  }

  /** The target as given. */
  getTarget(): string {
    return this.#target;
  }

  /** READY with an instance, TRANSIENT_FAILURE after a failed answer, CONNECTING before any. */
  getConnectivityState(_tryToConnect: boolean): Connectivity {
    if (this.#closed) return State.SHUTDOWN;
    if (this.#order.length > 0) return State.READY;
    return this.#resolved ? State.TRANSIENT_FAILURE : State.CONNECTING;
  }

  /** Not tracked: calls `callback` with an error at `deadline` unless the state already differs. */
  watchConnectivityState(
    currentState: Connectivity,
    deadline: Date | number,
    callback: (error?: Error) => void,
  ): void {
    if (this.getConnectivityState(false) !== currentState) {
      queueMicrotask(() => callback());
      return;
    }
    const at = new Date(deadline).getTime(); // NaN for an Infinity deadline: no end
    const ms = Number.isFinite(at) ? Math.min(2 ** 31 - 1, Math.max(0, at - Date.now())) : 2 ** 31 - 1;
    setTimeout(() => callback(new Error("Deadline passed without connectivity state change")), ms);
  }

  /** A channelz reference (channelz is not tracked for Connect channels). */
  getChannelzRef(): ChannelRef {
    return { kind: "channel", id: 0, name: this.#target } as unknown as ChannelRef;
  }

  /** A call on the next instance (after Consul's first answer). */
  createCall(method: string, deadline: Deadline): GrpcCall {
    if (this.#resolved) {
      const picked = this.#pickNow();
      return picked instanceof ConnectChannel ? picked.createCall(method, deadline) : new FailedCall(picked);
    }
    return new DeferredCall(
      this.pick().then((picked) =>
        picked instanceof ConnectChannel ? picked.createCall(method, deadline) : new FailedCall(picked)
      ),
    );
  }
}

/** A call that fails with `status` once started. */
class FailedCall implements GrpcCall {
  readonly #status: StatusObject;
  #listener: InterceptingListener | undefined;
  #done = false;

  constructor(status: StatusObject) {
    this.#status = status;
  }

  start(_metadata: Metadata, listener: InterceptingListener): void {
    this.#listener = listener;
    queueMicrotask(() => this.#end(this.#status));
  }

  #end(status: StatusObject): void {
    if (this.#done) return;
    this.#done = true;
    this.#listener?.onReceiveStatus(status);
  }

  sendMessageWithContext(context: { callback?: (error?: Error | null) => void }): void {
    context.callback?.();
  }
  startRead(): void {}
  halfClose(): void {}
  cancelWithStatus(code: number, details: string): void {
    this.#end({ code, details, metadata: new Metadata() });
  }
  getPeer(): string {
    return "";
  }
  getCallNumber(): number {
    return 0;
  }
  setCredentials(): void {}
  getAuthContext(): null {
    return null;
  }
}

/** A call made before the instance is known: what the client does is replayed on the real call. */
class DeferredCall implements GrpcCall {
  #call: GrpcCall | undefined;
  #steps: ((call: GrpcCall) => void)[] = [];
  #cancelled: { code: number; details: string } | undefined;
  #listener: InterceptingListener | undefined;

  constructor(call: Promise<GrpcCall>) {
    call.then((c) => {
      if (this.#cancelled) {
        this.#listener?.onReceiveStatus({ ...this.#cancelled, metadata: new Metadata() });
        return;
      }
      this.#call = c;
      for (const step of this.#steps.splice(0)) step(c);
    });
  }

  #do(step: (call: GrpcCall) => void): void {
    if (this.#call) step(this.#call);
    else this.#steps.push(step);
  }

  start(metadata: Metadata, listener: InterceptingListener): void {
    this.#listener = listener;
    this.#do((c) => c.start(metadata, listener));
  }
  sendMessageWithContext(context: { callback?: (error?: Error | null) => void }, message: Buffer): void {
    this.#do((c) => c.sendMessageWithContext(context, message));
  }
  startRead(): void {
    this.#do((c) => c.startRead());
  }
  halfClose(): void {
    this.#do((c) => c.halfClose());
  }
  cancelWithStatus(code: number, details: string): void {
    if (this.#call) return this.#call.cancelWithStatus(code, details);
    this.#cancelled = { code, details };
  }
  getPeer(): string {
    return this.#call?.getPeer() ?? "";
  }
  getCallNumber(): number {
    return this.#call?.getCallNumber() ?? 0;
  }
  setCredentials(): void {}
  getAuthContext(): null {
    return null;
  }
}

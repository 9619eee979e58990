/**
 * A flagd stand-in (test code only): the part of flagd's evaluation API (`flagd.evaluation.v2.Service`,
 * https://buf.build/open-feature/flagd) OpenFeature's flagd provider uses in RPC mode — `ResolveBoolean`,
 * `ResolveFloat`, and `EventStream` (`provider_ready` on connect, `configuration_change` naming the
 * changed flags) — over real gRPC, encoded by hand with protobuf's wire format, serving values a test
 * sets. No flagd binary runs here; compose runs the real one.
 *
 * @module
 */
import {
  type sendUnaryData,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

type Value = number | boolean;

/** The flag key of a Resolve*Request (field 1; the evaluation context, field 2, is ignored). */
function flagKeyOf(bytes: Uint8Array): string {
  const r = new BinaryReader(bytes);
  let key = "";
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WireType.LengthDelimited) key = r.string();
    else r.skip(wire, field);
  }
  return key;
}

/** A Resolve*Response: value (1), reason (2), variant (3). */
function resolution(value: Value | undefined): Uint8Array {
  const w = new BinaryWriter();
  if (value === undefined) return w.tag(2, WireType.LengthDelimited).string("FLAG_NOT_FOUND").finish();
  if (typeof value === "boolean") w.tag(1, WireType.Varint).bool(value);
  else w.tag(1, WireType.Bit64).double(value);
  return w.tag(2, WireType.LengthDelimited).string("STATIC").tag(3, WireType.LengthDelimited).string("set")
    .finish();
}

/** google.protobuf.Struct with `fields` holding structs (what a configuration_change's data is). */
function struct(
  fields: Record<string, Record<string, never> | Record<string, Record<string, never>>>,
): BinaryWriter {
  const w = new BinaryWriter();
  for (const [key, inner] of Object.entries(fields)) {
    w.tag(1, WireType.LengthDelimited).fork(); // map entry
    w.tag(1, WireType.LengthDelimited).string(key);
    w.tag(2, WireType.LengthDelimited).fork(); // Value
    w.tag(5, WireType.LengthDelimited).raw(
      lengthDelimited(struct(inner as Record<string, Record<string, never>>)),
    );
    w.join().join();
  }
  return w;
}

function lengthDelimited(w: BinaryWriter): Uint8Array {
  const body = w.finish();
  return new BinaryWriter().uint32(body.length).raw(body).finish();
}

/** An EventStreamResponse: type (1), data (2). */
function streamEvent(type: string, changed?: string[]): Uint8Array {
  const w = new BinaryWriter().tag(1, WireType.LengthDelimited).string(type);
  if (changed) {
    const flags = Object.fromEntries(changed.map((k) => [k, {} as Record<string, never>]));
    w.tag(2, WireType.LengthDelimited).raw(lengthDelimited(struct({ flags })));
  }
  return w.finish();
}

const bytes = (b: Uint8Array) => Buffer.from(b);

function unaryMethod(name: string) {
  return {
    path: `/flagd.evaluation.v2.Service/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: (b: Buffer) => new Uint8Array(b),
    responseSerialize: bytes,
    responseDeserialize: (b: Buffer) => new Uint8Array(b),
  };
}

const SERVICE: ServiceDefinition = {
  ResolveBoolean: unaryMethod("ResolveBoolean"),
  ResolveFloat: unaryMethod("ResolveFloat"),
  EventStream: { ...unaryMethod("EventStream"), responseStream: true },
};

/** A running flagd stand-in. */
export interface FlagdStandIn {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Evaluations answered, by flag key. */
  readonly evaluations: Map<string, number>;
  /** Sets flag values and tells connected providers they changed (as flagd does when its file changes). */
  set(values: Record<string, Value>): void;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts a flagd stand-in serving `values`. */
export async function startFlagdStandIn(values: Record<string, Value> = {}): Promise<FlagdStandIn> {
  const current = new Map(Object.entries(values));
  const evaluations = new Map<string, number>();
  const streams = new Set<ServerWritableStream<Uint8Array, Uint8Array>>();
  const resolve = (call: ServerUnaryCall<Uint8Array, Uint8Array>, done: sendUnaryData<Uint8Array>) => {
    const key = flagKeyOf(call.request);
    evaluations.set(key, (evaluations.get(key) ?? 0) + 1);
    done(null, resolution(current.get(key)));
  };
  const server = new Server();
  server.addService(SERVICE, {
    ResolveBoolean: resolve,
    ResolveFloat: resolve,
    EventStream: (call: ServerWritableStream<Uint8Array, Uint8Array>) => {
      streams.add(call);
      call.on("cancelled", () => streams.delete(call));
      call.write(streamEvent("provider_ready"));
    },
  });
  const port = await new Promise<number>((ok, fail) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => err ? fail(err) : ok(p))
  );
  return {
    port,
    evaluations,
    set(next) {
      for (const [k, v] of Object.entries(next)) current.set(k, v);
      for (const s of streams) s.write(streamEvent("configuration_change", Object.keys(next)));
    },
    async stop() {
      for (const s of streams) s.end();
      await new Promise<void>((ok) => server.tryShutdown(() => ok()));
    },
  };
}

/**
 * gRPC server reflection (`grpc.reflection.v1` and `v1alpha`), so grpcurl, Postman and other tools list
 * a running service's RPCs and call them without proto files.
 *
 * The implementation is `@grpc/reflection`, fed with the descriptors `buf build` made of `proto/` at
 * `deno task gen` (`gen/oms_descriptors.binpb`): the very descriptors protoc would make, with fully
 * qualified type names and every comment of the protos, so `grpcurl describe` shows the contract's
 * documentation. (Parsing `proto/` with `@grpc/proto-loader` instead gives relative type names such as
 * `types.v1.Money` that strict clients reject, no comments, and costs more at run time.)
 *
 * It loads lazily: at start-up a server registers only two small stand-in handlers, and the first
 * reflection call imports `@grpc/reflection` (with its protobufjs) and indexes the descriptors, once per
 * process. Measured on one stock process: ~74 MB of RSS at start with reflection on or off; the first
 * reflection call adds ~22 MB and takes 0.2 s (2 s on a heavily loaded machine); later calls are plain
 * bidi-stream round trips. A process nobody inspects pays nothing.
 *
 * Reflection needs the service credential like every other service but health: the schema names every
 * internal RPC (`ReserveItems`, `Refund`, ...), the gRPC ports are internal, and integrators who may call
 * the services have the token anyway (`grpcurl -H "authorization: Bearer $OMS_SERVICE_TOKEN" ...`).
 * `OMS_GRPC_REFLECTION=false` leaves it out altogether.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import type { Buffer } from "node:buffer";
import {
  type MethodDefinition,
  type Server,
  type ServiceDefinition,
  status as GrpcStatus,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { PackageDefinition } from "@grpc/proto-loader";
import { envBool } from "./config.ts";

/** The environment variable that turns reflection off (`false`); on by default. */
export const REFLECTION_VAR = "OMS_GRPC_REFLECTION";

/** The full names of the reflection services a server answers. */
export const REFLECTION_SERVICES = [
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
] as const;

/** Whether servers should offer reflection (`OMS_GRPC_REFLECTION`, default true). */
export function reflectionEnabled(env?: Record<string, string | undefined>): boolean {
  return envBool(REFLECTION_VAR, true, env);
}

/**
 * The descriptors of every file under `proto/` (a `google.protobuf.FileDescriptorSet` with comments,
 * `buf build` output written by `deno task gen`, checked fresh by tests/codegen_test.ts).
 */
export const DESCRIPTOR_SET = new URL("./gen/oms_descriptors.binpb", import.meta.url);

let definitions: Promise<PackageDefinition> | undefined;

/**
 * The descriptor set read once per process (shared by the servers of `start:all`), in the shape
 * `@grpc/reflection` reads: a package definition whose entries carry `fileDescriptorProtos`.
 */
function loadDefinitions(): Promise<PackageDefinition> {
  return definitions ??= (async () => {
    const { BinaryReader } = await import("@bufbuild/protobuf/wire");
    const set = new BinaryReader(await Deno.readFile(DESCRIPTOR_SET));
    const files: Uint8Array[] = [];
    while (set.pos < set.len) {
      const [field, wireType] = set.tag();
      if (field === 1) files.push(set.bytes()); // repeated FileDescriptorProto file = 1
      else set.skip(wireType);
    }
    if (files.length === 0) throw new Error(`no file descriptors in ${DESCRIPTOR_SET.pathname}`);
    return { "oms": { fileDescriptorProtos: files } } as unknown as PackageDefinition;
  })();
}

type Handler = (stream: EventEmitter & { write(m: unknown): void; end(): void }) => void;

/** One reflection method as `@grpc/reflection` registers it: its definition and its handler. */
interface Registered {
  definition: MethodDefinition<unknown, unknown>;
  handler: Handler;
}

/** Builds `@grpc/reflection`'s implementation for `services` and captures what it would register. */
async function loadImplementation(services: string[]): Promise<Map<string, Registered>> {
  const [{ ReflectionService }, pkg] = await Promise.all([import("@grpc/reflection"), loadDefinitions()]);
  const byPath = new Map<string, Registered>();
  const capture: Pick<Server, "addService"> = {
    addService(service: ServiceDefinition, implementation: UntypedServiceImplementation) {
      for (const [name, definition] of Object.entries(service)) {
        byPath.set(definition.path, { definition, handler: implementation[name] as unknown as Handler });
      }
    },
  };
  new ReflectionService(pkg, { services }).addToServer(capture);
  return byPath;
}

const identity = (b: Buffer) => b;

/** A bidi method passing raw bytes, decoded only once the real implementation has loaded. */
function rawMethod(service: string): MethodDefinition<Buffer, Buffer> {
  return {
    path: `/${service}/ServerReflectionInfo`,
    requestStream: true,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: "serverReflectionInfo",
  };
}

type RawStream = EventEmitter & {
  write(b: Buffer): boolean;
  end(): void;
  emit(event: "error", err: { code: number; details: string }): boolean;
};

/**
 * The reflection services of a server serving `services` (their full names; health is added), as
 * definitions and implementations for `Server.addService`: stand-ins that load the real implementation
 * on their first call and hand it each stream, requests decoded and responses encoded by its own types.
 */
export function reflectionServices(
  services: string[],
): { name: string; definition: ServiceDefinition; implementation: UntypedServiceImplementation }[] {
  let loaded: Promise<Map<string, Registered>> | undefined;
  const listed = [...new Set([...services, "grpc.health.v1.Health"])];
  return REFLECTION_SERVICES.map((name) => {
    const method = rawMethod(name);
    const serve = (raw: RawStream) => {
      // Buffer what arrives while the implementation loads, then replay it to the adapter.
      const early: [string, unknown][] = [];
      const onEarly = (event: string) => (arg?: unknown) => early.push([event, arg]);
      const earlyData = onEarly("data");
      const earlyEnd = onEarly("end");
      raw.on("data", earlyData);
      raw.on("end", earlyEnd);
      (loaded ??= loadImplementation(listed)).then((impl) => {
        const real = impl.get(method.path);
        if (!real) throw new Error(`@grpc/reflection registered no ${method.path}`);
        const { definition, handler } = real;
        const adapter = Object.assign(new EventEmitter(), {
          write: (m: unknown) => raw.write(definition.responseSerialize(m)),
          end: () => raw.end(),
        });
        raw.off("data", earlyData);
        raw.off("end", earlyEnd);
        handler(adapter);
        const receive = (b: Buffer) => {
          let request: unknown;
          try {
            request = definition.requestDeserialize(b);
          } catch (err) {
            raw.emit("error", {
              code: GrpcStatus.INVALID_ARGUMENT,
              details: `bad reflection request: ${err}`,
            });
            return;
          }
          adapter.emit("data", request);
        };
        raw.on("data", receive);
        raw.on("end", () => adapter.emit("end"));
        for (const [event, arg] of early) {
          if (event === "data") receive(arg as Buffer);
          else adapter.emit("end");
        }
      }).catch((err: unknown) => {
        loaded = undefined; // a later call tries again
        raw.emit("error", {
          code: GrpcStatus.INTERNAL,
          details: `reflection is unavailable: ${String(err)}`,
        });
      });
    };
    return {
      name,
      definition: { serverReflectionInfo: method } as ServiceDefinition,
      implementation: { serverReflectionInfo: serve as unknown as UntypedServiceImplementation[string] },
    };
  });
}

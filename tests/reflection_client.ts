/**
 * A gRPC client that knows no proto file of OMS: it speaks the server reflection protocol
 * (`grpc.reflection.v1.ServerReflection/ServerReflectionInfo`, its few messages encoded by hand on
 * `@bufbuild/protobuf/wire`, field numbers from grpc/grpc's `reflection.proto`), builds a registry of the
 * file descriptors the server sends, and calls any method with messages made from those descriptors
 * (as grpcurl does). Test code only.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import {
  create,
  createFileRegistry,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  type JsonValue,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import {
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";

/** Which reflection API to speak. */
export type ReflectionVersion = "v1" | "v1alpha";

/** One answer of the reflection stream (only what these tests read). */
export type ReflectionAnswer =
  | { kind: "services"; names: string[] }
  | { kind: "files"; files: Uint8Array[] }
  | { kind: "error"; code: number; message: string };

// ServerReflectionRequest: host = 1, file_by_filename = 3, file_containing_symbol = 4, list_services = 7
function encodeRequest(ask: { listServices: true } | { symbol: string } | { filename: string }): Buffer {
  const w = new BinaryWriter();
  if ("listServices" in ask) w.tag(7, 2).string("*");
  else if ("symbol" in ask) w.tag(4, 2).string(ask.symbol);
  else w.tag(3, 2).string(ask.filename);
  return Buffer.from(w.finish());
}

// ServerReflectionResponse: file_descriptor_response = 4 { repeated bytes file_descriptor_proto = 1 },
// list_services_response = 6 { repeated ServiceResponse service = 1 { string name = 1 } },
// error_response = 7 { int32 error_code = 1; string error_message = 2 }
function decodeResponse(bytes: Uint8Array): ReflectionAnswer {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wireType] = r.tag();
    if (field === 6) {
      const names: string[] = [];
      const list = new BinaryReader(r.bytes());
      while (list.pos < list.len) {
        const [f, wt] = list.tag();
        if (f !== 1) {
          list.skip(wt);
          continue;
        }
        const svc = new BinaryReader(list.bytes());
        while (svc.pos < svc.len) {
          const [sf, swt] = svc.tag();
          if (sf === 1) names.push(svc.string());
          else svc.skip(swt);
        }
      }
      return { kind: "services", names };
    }
    if (field === 4) {
      const files: Uint8Array[] = [];
      const fd = new BinaryReader(r.bytes());
      while (fd.pos < fd.len) {
        const [f, wt] = fd.tag();
        if (f === 1) files.push(fd.bytes());
        else fd.skip(wt);
      }
      return { kind: "files", files };
    }
    if (field === 7) {
      const e = new BinaryReader(r.bytes());
      let code = 0, message = "";
      while (e.pos < e.len) {
        const [f, wt] = e.tag();
        if (f === 1) code = e.int32();
        else if (f === 2) message = e.string();
        else e.skip(wt);
      }
      return { kind: "error", code, message };
    }
    r.skip(wireType);
  }
  throw new Error("a reflection response with none of the answers asked for");
}

const raw = (b: Buffer) => b;

/** A reflection-only client of one server. */
export class ReflectionClient {
  readonly #client: Client;
  readonly #metadata: () => Metadata;

  /** A client of `addr` sending `authorization: Bearer <token>` when `token` is given. */
  constructor(addr: string, token?: string, readonly version: ReflectionVersion = "v1") {
    this.#client = new Client(addr, credentials.createInsecure());
    this.#metadata = () => {
      const m = new Metadata();
      if (token) m.set("authorization", `Bearer ${token}`);
      return m;
    };
  }

  /** Sends `asks` on one reflection stream and resolves with the answers, in order. */
  ask(asks: Parameters<typeof encodeRequest>[0][]): Promise<ReflectionAnswer[]> {
    const path = `/grpc.reflection.${this.version}.ServerReflection/ServerReflectionInfo`;
    const stream = this.#client.makeBidiStreamRequest(path, raw, raw, this.#metadata(), {
      deadline: Date.now() + 30_000, // the first call loads the implementation (slow on a busy machine)
    });
    return new Promise((resolve, reject) => {
      const answers: ReflectionAnswer[] = [];
      stream.on("data", (b: Buffer) => {
        try {
          answers.push(decodeResponse(b));
        } catch (err) {
          reject(err);
        }
        if (answers.length === asks.length) stream.end();
      });
      stream.on("error", (err: ServiceError) => reject(err));
      stream.on("end", () => resolve(answers));
      for (const a of asks) stream.write(encodeRequest(a));
    });
  }

  /** The full names of the services the server lists. */
  async listServices(): Promise<string[]> {
    const [answer] = await this.ask([{ listServices: true }]);
    if (answer?.kind !== "services") throw new Error(`list_services answered ${JSON.stringify(answer)}`);
    return answer.names;
  }

  /**
   * A registry of the file defining `symbol` and every file it imports, asked for by name until none is
   * missing (the server may or may not send dependencies with the first answer).
   */
  async registryFor(symbol: string): Promise<FileRegistry> {
    const files = new Map<string, FileDescriptorProto>();
    const add = (answer: ReflectionAnswer | undefined, what: string) => {
      if (answer?.kind !== "files") throw new Error(`${what} answered ${JSON.stringify(answer)}`);
      for (const bytes of answer.files) {
        const fd = fromBinary(FileDescriptorProtoSchema, bytes);
        files.set(fd.name, fd);
      }
    };
    add((await this.ask([{ symbol }]))[0], `file_containing_symbol ${symbol}`);
    for (;;) {
      const missing = [...new Set([...files.values()].flatMap((f) => f.dependency))]
        .filter((d) => !files.has(d));
      if (missing.length === 0) break;
      const answers = await this.ask(missing.map((filename) => ({ filename })));
      answers.forEach((a, i) => add(a, `file_by_filename ${missing[i]}`));
    }
    // dependencies first, as a FileDescriptorSet expects
    const ordered: FileDescriptorProto[] = [];
    const visit = (name: string) => {
      const f = files.get(name);
      if (!f || ordered.includes(f)) return;
      f.dependency.forEach(visit);
      ordered.push(f);
    };
    [...files.keys()].forEach(visit);
    return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
  }

  /** Closes the channel. */
  close(): void {
    this.#client.close();
  }
}

/**
 * Calls unary `service`/`method` at `addr` with `request` (JSON-like field values) encoded by the
 * descriptors of `registry`, and decodes the response to proto3 JSON.
 */
export function callDynamic(
  addr: string,
  token: string,
  registry: FileRegistry,
  service: string,
  method: string,
  request: Record<string, unknown> = {},
): Promise<JsonValue> {
  const desc = registry.getService(service);
  if (!desc) throw new Error(`reflection gave no service ${service}`);
  const m = desc.methods.find((x) => x.name === method);
  if (!m) {
    throw new Error(`${service} has no method ${method}: ${desc.methods.map((x) => x.name).join(", ")}`);
  }
  const input: DescMessage = m.input, output: DescMessage = m.output;
  const client = new Client(addr, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return new Promise<JsonValue>((resolve, reject) => {
    client.makeUnaryRequest(
      `/${service}/${method}`,
      (msg: Record<string, unknown>) => Buffer.from(toBinary(input, create(input, msg))),
      (b: Buffer) => toJson(output, fromBinary(output, b), { registry }),
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err: ServiceError | null, value?: JsonValue) => err ? reject(err) : resolve(value ?? null),
    );
  }).finally(() => client.close());
}

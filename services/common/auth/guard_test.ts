import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import {
  Metadata,
  type ServiceDefinition,
  type ServiceError,
  status as GrpcStatus,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { guardService } from "./guard.ts";
import { bearer, ServiceTokenCheck } from "./service_credential.ts";
import { TEST_SERVICE_TOKEN } from "./testing.ts";

const identity = (x: unknown) => x as Buffer;
const method = (path: string, responseStream: boolean) => ({
  path,
  requestStream: false,
  responseStream,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
});
const DEFINITION = {
  get: method("/t.T/Get", false),
  watch: method("/t.T/Watch", true),
} as unknown as ServiceDefinition;

function fakeCall(token?: string): EventEmitter & { metadata: Metadata } {
  const call = Object.assign(new EventEmitter(), { metadata: new Metadata() });
  if (token) call.metadata.set("authorization", bearer(token));
  return call;
}

Deno.test("guarded unary and streaming handlers run only with the right token", () => {
  const ran: string[] = [];
  const impl: UntypedServiceImplementation = {
    get: (_call: unknown, cb: (e: null, r: string) => void) => {
      ran.push("get");
      cb(null, "ok");
    },
    watch: () => ran.push("watch"),
  };
  const guarded = guardService(DEFINITION, impl, new ServiceTokenCheck(TEST_SERVICE_TOKEN));
  const get = guarded.get as unknown as (
    call: unknown,
    cb: (e: Partial<ServiceError> | null) => void,
  ) => void;
  const watch = guarded.watch as unknown as (call: unknown) => void;

  const replies: (Partial<ServiceError> | null)[] = [];
  get(fakeCall(), (e) => replies.push(e));
  get(fakeCall(`${TEST_SERVICE_TOKEN}-wrong`), (e) => replies.push(e));
  assert.deepEqual(replies.map((r) => r?.code), [GrpcStatus.UNAUTHENTICATED, GrpcStatus.UNAUTHENTICATED]);
  assert.match(replies[0]!.details!, /\/t\.T\/Get needs the deployment's service credential/);

  const streamErrors: Partial<ServiceError>[] = [];
  const stream = fakeCall();
  stream.on("error", (e) => streamErrors.push(e));
  watch(stream);
  assert.deepEqual(streamErrors.map((e) => e.code), [GrpcStatus.UNAUTHENTICATED]);
  assert.deepEqual(ran, [], "no handler ran without the token");

  get(fakeCall(TEST_SERVICE_TOKEN), (e) => replies.push(e));
  watch(fakeCall(TEST_SERVICE_TOKEN));
  assert.deepEqual(ran, ["get", "watch"]);
});

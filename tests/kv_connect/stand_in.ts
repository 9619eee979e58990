/**
 * A KV Connect stand-in: an HTTP server speaking the protocol of denoland/denokv's `proto/kv-connect.md`
 * (versions 2 and 3) in front of a local Deno KV store, so `Deno.openKv("http://...")` (Deno's own KV
 * client, reading `DENO_KV_ACCESS_TOKEN`) runs against it as against a `denokv` server. Test code only.
 *
 * - Metadata exchange: `POST /` with `Authorization: Bearer <access token>` and a JSON body
 *   `{ supportedVersions }`; answers the highest common version (3, else 2), a database id, one strong
 *   endpoint (`/v2`), a data path token of its own (random, valid until `expiresAt`) and `expiresAt`.
 *   A wrong token is 401, no common version or a malformed body 400 (plain text: the client gives up).
 * - Data path (`/v2/snapshot_read`, `/v2/atomic_write`, `/v2/watch`): protobuf bodies, the exchanged
 *   token, `x-denokv-version` 2 or 3 and `x-denokv-database-id` checked; carried out by
 *   {@linkcode LocalBackend} on the local store, each atomic write as one local atomic operation.
 *   Requests it cannot honour (queues, unknown mutation types) are refused with 400 and a message.
 * - Watch: a length-prefixed (u32 little endian) stream of `WatchOutput`s, a zero-length keep-alive
 *   every `keepAliveMs`.
 *
 * @module
 */
import {
  decodeAtomicWrite,
  DecodeError,
  decodeSnapshotRead,
  decodeWatch,
  encodeAtomicWriteOutput,
  encodeSnapshotReadOutput,
  encodeWatchOutput,
} from "./datapath.ts";
import { LocalBackend, MAX_WATCHED_KEYS, RequestRefused } from "./local_backend.ts";

/** Options of {@linkcode startKvConnectStandIn}. */
export interface KvConnectStandInOptions {
  /** The access token clients must present (their `DENO_KV_ACCESS_TOKEN`). */
  accessToken: string;
  /** The local store behind it (default `:memory:`). */
  path?: string;
  /** Port to listen on, on 127.0.0.1 (default: a free one). */
  port?: number;
  /** How long exchanged metadata (and its data path token) stays valid (default one hour). */
  metadataTtlMs?: number;
  /** Interval of zero-length keep-alive frames on watch streams (default 5 s, as denokv). */
  keepAliveMs?: number;
}

/** What the stand-in was asked, per endpoint. */
export interface KvConnectRequests {
  metadata: number;
  snapshotRead: number;
  atomicWrite: number;
  watch: number;
  /** Requests answered 4xx. */
  refused: number;
}

/** A running stand-in. */
export interface KvConnectStandIn {
  /** The URL to give `Deno.openKv` (and `<SERVICE>_KV_PATH`). */
  url: string;
  /** The database id it hands out. */
  databaseId: string;
  /** Its local store (to inspect, not to write: writes here bypass the stand-in's read gate). */
  local: Deno.Kv;
  /** Counts of requests so far. */
  requests: KvConnectRequests;
  /** The protocol versions clients asked for in their metadata exchanges, in order. */
  versionsOffered: number[][];
  /** Stops serving, ends watch streams and closes the local store. */
  close(): Promise<void>;
}

const PROTOCOL_VERSIONS = [3, 2];

/** Constant-time comparison of two strings (the token check). */
function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function bearer(req: Request): string | undefined {
  const m = req.headers.get("authorization")?.match(/^bearer\s+(\S+)$/i);
  return m?.[1];
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function protobuf(body: Uint8Array): Response {
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": "application/x-protobuf" },
  });
}

/** Starts a stand-in; close it in a `finally`. */
export async function startKvConnectStandIn(opts: KvConnectStandInOptions): Promise<KvConnectStandIn> {
  const local = await Deno.openKv(opts.path ?? ":memory:");
  const backend = new LocalBackend(local);
  const databaseId = crypto.randomUUID();
  const ttlMs = opts.metadataTtlMs ?? 3_600_000;
  const keepAliveMs = opts.keepAliveMs ?? 5_000;
  const tokens = new Map<string, number>(); // data path token -> expiry (ms)
  const requests: KvConnectRequests = { metadata: 0, snapshotRead: 0, atomicWrite: 0, watch: 0, refused: 0 };
  const versionsOffered: number[][] = [];
  const closing = new AbortController();

  async function metadata(req: Request): Promise<Response> {
    requests.metadata++;
    const raw = await req.text();
    let supported = [1];
    if (raw.trim()) {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return text(400, "The metadata exchange body is not JSON.");
      }
      const versions = (body as { supportedVersions?: unknown })?.supportedVersions;
      if (!Array.isArray(versions) || !versions.every((v) => typeof v === "number")) {
        return text(400, "The metadata exchange body must be { supportedVersions: number[] }.");
      }
      supported = versions;
    }
    versionsOffered.push(supported);
    const token = bearer(req);
    if (!token || !sameToken(token, opts.accessToken)) return text(401, "Invalid access token.");
    const version = PROTOCOL_VERSIONS.find((v) => supported.includes(v));
    if (version === undefined) {
      return text(400, "No common protocol version: this KV Connect stand-in speaks versions 2 and 3.");
    }
    const dataToken = crypto.randomUUID().replaceAll("-", "");
    const expiresAt = Date.now() + ttlMs;
    tokens.set(dataToken, expiresAt);
    return Response.json({
      version,
      databaseId,
      endpoints: [{ url: "/v2", consistency: "strong" }],
      token: dataToken,
      expiresAt: new Date(expiresAt).toISOString(),
    });
  }

  /** The data path's header checks: undefined when the request may proceed, else the refusal. */
  function refuseDataPath(req: Request): Response | undefined {
    const version = req.headers.get("x-denokv-version");
    if (version !== "2" && version !== "3") return text(400, "x-denokv-version must be 2 or 3.");
    const token = bearer(req);
    const expires = token === undefined ? undefined : tokens.get(token);
    if (expires === undefined || expires < Date.now()) {
      return text(401, "Invalid or expired data path token.");
    }
    if (req.headers.get("x-denokv-database-id") !== databaseId) return text(400, "Unknown database id.");
    return undefined;
  }

  function watchStream(keys: Uint8Array[], signal: AbortSignal): ReadableStream<Uint8Array> {
    const frame = (msg: Uint8Array) => {
      const out = new Uint8Array(4 + msg.length);
      new DataView(out.buffer).setUint32(0, msg.length, true);
      out.set(msg, 4);
      return out;
    };
    const stop = new AbortController();
    const onClose = () => stop.abort();
    signal.addEventListener("abort", onClose, { once: true });
    let timer: ReturnType<typeof setInterval> | undefined;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => controller.enqueue(frame(new Uint8Array(0))), keepAliveMs);
        (async () => {
          try {
            for await (const out of backend.watch(keys, stop.signal)) {
              controller.enqueue(frame(encodeWatchOutput(out)));
            }
          } catch (err) {
            if (!stop.signal.aborted) controller.error(err);
          } finally {
            clearInterval(timer);
            signal.removeEventListener("abort", onClose);
            try {
              controller.close();
            } catch {
              // already closed or errored
            }
          }
        })();
      },
      cancel() {
        clearInterval(timer);
        stop.abort();
      },
    });
  }

  async function dataPath(op: string, req: Request): Promise<Response> {
    const refusal = refuseDataPath(req);
    if (refusal) return refusal;
    const body = new Uint8Array(await req.arrayBuffer());
    if (op === "snapshot_read") {
      requests.snapshotRead++;
      return protobuf(encodeSnapshotReadOutput(await backend.snapshotRead(decodeSnapshotRead(body))));
    }
    if (op === "atomic_write") {
      requests.atomicWrite++;
      return protobuf(encodeAtomicWriteOutput(await backend.atomicWrite(decodeAtomicWrite(body))));
    }
    requests.watch++;
    const { keys } = decodeWatch(body);
    if (keys.length === 0 || keys.length > MAX_WATCHED_KEYS) {
      throw new RequestRefused(`a watch follows 1..${MAX_WATCHED_KEYS} keys, got ${keys.length}`);
    }
    return new Response(watchStream(keys, closing.signal), {
      headers: { "content-type": "application/octet-stream" },
    });
  }

  async function handle(req: Request): Promise<Response> {
    const { pathname } = new URL(req.url);
    if (req.method !== "POST") return text(405, "KV Connect takes POST requests only.");
    try {
      if (pathname === "/") return await metadata(req);
      const op = pathname.match(/^\/v2\/(snapshot_read|atomic_write|watch)$/)?.[1];
      if (!op) return text(404, "Resource not found.");
      return await dataPath(op, req);
    } catch (err) {
      if (err instanceof RequestRefused || err instanceof DecodeError || err instanceof TypeError) {
        return text(400, err.message);
      }
      throw err;
    }
  }

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    onListen: () => {},
  }, async (req) => {
    const res = await handle(req);
    if (res.status >= 400 && res.status < 500) requests.refused++;
    return res;
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    databaseId,
    local,
    requests,
    versionsOffered,
    async close() {
      closing.abort();
      await server.shutdown();
      local.close();
    },
  };
}

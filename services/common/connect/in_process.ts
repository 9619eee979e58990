/**
 * Calls between parts of one process, without a socket. `deno task start:all` runs every service and web
 * in one process, yet each part calls the others as it would across machines: `fetch` to a loopback
 * port, HTTP/1.1 written and parsed on both sides, the bytes through the kernel twice. Turned on
 * ({@linkcode callInProcess}, which `scripts/all_in_one.ts` does), a {@linkcode ConnectChannel} whose
 * target is a loopback address and the port of a Connect server this process runs hands each request to
 * that server's handler instead: the very function `Deno.serve` runs for it, so the credential check,
 * the size limits, the deadline, tracing and metrics are the same; only the transport is gone.
 *
 * What the caller sees is what `fetch` would give it: a request aborted before its answer rejects with
 * the signal's reason, and aborting while a streamed answer is read errors the stream (and cancels the
 * server's side, which ends the call there). A server that stops serving is unregistered first, so later
 * calls go through `fetch` (and find nothing listening, as before).
 *
 * A gRPC server registers its services under its gRPC port too, so a client made for a plain `host:port`
 * target of such a server gets an in-process channel ({@linkcode inProcessTarget}, `grpc_client.ts`):
 * `start:all` on its default addresses calls in-process as much as with Connect addresses.
 *
 * Off (the default, and in every process that runs one part), nothing changes.
 *
 * @module
 */

/** A Connect server's request handler. */
export type LocalHandler = (req: Request) => Promise<Response>;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
/** Hosts a server may bind that loopback callers reach. */
const REACHABLE_BINDS = new Set([...LOOPBACK_HOSTS, "0.0.0.0", "::", "[::]", ""]);

const servers = new Map<number, LocalHandler>();
let enabled = false;

/** Turns in-process calls on or off for this process (see the module doc). */
export function callInProcess(on: boolean): void {
  enabled = on;
}

/** Whether in-process calls are on. */
export function inProcessCallsOn(): boolean {
  return enabled;
}

/**
 * Registers the handler of a Connect server bound to `host:port`; the answer unregisters it. A server
 * bound to an address loopback callers do not reach is not registered.
 */
export function serveInProcess(host: string, port: number, handler: LocalHandler): () => void {
  if (!REACHABLE_BINDS.has(host)) return () => {};
  servers.set(port, handler);
  return () => {
    if (servers.get(port) === handler) servers.delete(port);
  };
}

/** The handler to call for `hostname:port`, when in-process calls are on and it runs here. */
export function inProcessHandler(hostname: string, port: number): LocalHandler | undefined {
  if (!enabled || !LOOPBACK_HOSTS.has(hostname)) return undefined;
  return servers.get(port);
}

/**
 * The Connect address to call gRPC target `address` (`host:port`) at when its server runs in this
 * process and in-process calls are on (`start:all` on its default gRPC addresses); else undefined.
 */
export function inProcessTarget(address: string): string | undefined {
  const m = /^(\[[^\]]+\]|[^:/\[\]]+):(\d{1,5})$/.exec(address);
  if (!m || !inProcessHandler(m[1]!, Number(m[2]))) return undefined;
  return `http://${m[1]}:${m[2]}`;
}

/** What {@linkcode dispatchInProcess} sends. */
export interface LocalRequest {
  url: string;
  headers: HeadersInit;
  body: Uint8Array;
  signal: AbortSignal;
  /** The answer is a stream read as it comes (aborting `signal` then errors it, as with `fetch`). */
  streamed: boolean;
}

/** POSTs `r` to `handler` as `fetch` would POST it to the server (see the module doc). */
export async function dispatchInProcess(handler: LocalHandler, r: LocalRequest): Promise<Response> {
  r.signal.throwIfAborted();
  const req = new Request(r.url, {
    method: "POST",
    headers: r.headers,
    body: r.body as Uint8Array<ArrayBuffer>,
  });
  const { promise: aborted, reject } = Promise.withResolvers<never>();
  const onAbort = () => reject(r.signal.reason);
  r.signal.addEventListener("abort", onAbort, { once: true });
  const answer = handler(req);
  let res: Response;
  try {
    res = await Promise.race([answer, aborted]);
  } catch (err) {
    // given up on before its answer: a stream the server opens anyway is cancelled at once
    answer.then((late) => late.body?.cancel().catch(() => {}), () => {});
    throw err;
  } finally {
    r.signal.removeEventListener("abort", onAbort);
  }
  if (!r.streamed || !res.body) return res;
  // aborting the call errors what the caller reads and cancels the server's stream
  const body = res.body.pipeThrough(new TransformStream(), { signal: r.signal });
  return new Response(body, { status: res.status, headers: res.headers });
}

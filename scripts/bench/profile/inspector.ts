/**
 * A minimal client of the V8 inspector protocol that `deno run --inspect=<host:port>` serves: finds the
 * target's `webSocketDebuggerUrl` in `http://<host:port>/json/list`, then sends commands over a WebSocket
 * and matches each reply to its command by id. Enough to drive the `Profiler` domain.
 *
 * @module
 */

/** One entry of the inspector's `/json/list`. */
export interface InspectorTarget {
  /** The WebSocket address of the target's debugger session. */
  webSocketDebuggerUrl: string;
  /** The target's title (Deno: the process's title and pid). */
  title?: string;
  /** The main module's URL. */
  url?: string;
}

/** A reply carrying an `error` instead of a `result`. */
export class InspectorError extends Error {
  /** The error of command `method`. */
  constructor(method: string, readonly code: number, message: string) {
    super(`${method}: ${message} (${code})`);
    this.name = "InspectorError";
  }
}

/** Picks the debugger address from the body of `/json/list`; throws when there is none. */
export function pickWebSocketUrl(list: unknown): string {
  const targets = Array.isArray(list) ? list as InspectorTarget[] : [];
  const url = targets.find((t) => typeof t?.webSocketDebuggerUrl === "string")?.webSocketDebuggerUrl;
  if (!url) throw new Error(`No inspector target with a webSocketDebuggerUrl in ${JSON.stringify(list)}`);
  return url;
}

/** Waits until `http://<hostPort>/json/list` lists a target; resolves with its debugger address. */
export async function findDebuggerUrl(hostPort: string, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://${hostPort}/json/list`);
      return pickWebSocketUrl(await res.json());
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`No inspector at ${hostPort} within ${timeoutMs} ms: ${(last as Error)?.message}`);
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
}

/** One debugger session over a WebSocket. */
export class InspectorSession {
  #nextId = 1;
  #pending = new Map<number, Pending>();

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) => this.#onMessage(String(e.data));
    ws.onclose = () => this.#failAll(new Error("The inspector's WebSocket closed"));
    ws.onerror = () => this.#failAll(new Error("The inspector's WebSocket failed"));
  }

  /** Opens a session to the debugger at `url` (a `ws://` address). */
  static open(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new InspectorSession(ws));
      ws.onerror = () => reject(new Error(`Could not open the inspector's WebSocket ${url}`));
    });
  }

  /** Sends `method` with `params`; resolves with the reply's result (rejects with its error). */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Closes the session (the process keeps running). */
  close(): void {
    this.ws.close();
  }

  #onMessage(text: string): void {
    const msg = JSON.parse(text) as {
      id?: number;
      result?: unknown;
      error?: { code: number; message: string };
    };
    if (msg.id === undefined) return; // an event: not used
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.error) p.reject(new InspectorError(p.method, msg.error.code, msg.error.message));
    else p.resolve(msg.result);
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}

/**
 * One bounded HTTP GET of a metrics endpoint: a deadline for the whole answer and a cap on its size,
 * so a slow or huge endpoint costs the scraper little and never holds it up.
 *
 * @module
 */

/** Limits of {@linkcode fetchText}. */
export interface FetchTextOptions {
  /** Deadline of the whole request, body included, in ms. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Request headers (default: `accept: text/plain`). */
  headers?: Record<string, string>;
}

/** GETs `url` and returns its body as text; throws an Error saying what went wrong. */
export async function fetchText(
  url: string,
  { timeoutMs, maxBytes, headers }: FetchTextOptions,
): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: headers ?? { accept: "text/plain" } });
  } catch (err) {
    throw new Error(signal.aborted ? `no answer within ${timeoutMs} ms` : describe(err));
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length"));
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new Error(`body is over the ${maxBytes}-byte limit`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`);
    throw err instanceof Error && err.message.includes("limit") ? err : new Error(describe(err));
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(body);
}

/** A short reason from a fetch failure (`Connection refused`, ...). */
function describe(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
  const msg = `${err instanceof Error ? err.message : String(err)} ${cause}`.trim();
  if (/connection refused/i.test(msg)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(msg)) return "unknown host";
  return (cause || msg).replace(/^error sending request for url \([^)]*\): /, "").slice(0, 200);
}

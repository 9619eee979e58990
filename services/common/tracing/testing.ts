/**
 * Test code only: an OTLP/HTTP trace receiver (what Jaeger's collector does on `:4318/v1/traces`) that
 * keeps every span it is sent, decoded from the exporter's JSON encoding (gzip accepted), and helpers to
 * read a trace as a tree.
 *
 * @module
 */

/** OTLP span kinds (the numbers the JSON encoding carries). */
export const OtlpSpanKind = {
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** One received span, flattened with its resource's `service.name`. */
export interface ReceivedSpan {
  /** `service.name` of the process that sent it. */
  service: string;
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  /** The span name. */
  name: string;
  /** See {@linkcode OtlpSpanKind}. */
  kind: number;
  /** Attributes as plain values. */
  attributes: Record<string, string | number | boolean>;
  /** Linked span contexts. */
  links: { traceId: string; spanId: string }[];
  /** Status code: 0 unset, 1 ok, 2 error. */
  status: number;
  /** Start time, ms since the epoch. */
  startMs: number;
  /** End time, ms since the epoch. */
  endMs: number;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** Base URL to use as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  /** Every span received so far. */
  spans: ReceivedSpan[];
  /** Number of export requests received. */
  requests: number;
  /** Resolves once `check(spans)` holds; rejects after `timeoutMs` naming `what`. */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Stops listening. */
  stop(): Promise<void>;
}

interface JsonValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface JsonKeyValue {
  key: string;
  value?: JsonValue;
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: JsonKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}
/** The part of an OTLP/HTTP JSON `ExportTraceServiceRequest` the receiver reads. */
export interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: { spans?: JsonSpan[] }[];
  }[];
}

function plain(attrs: JsonKeyValue[] = []): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of attrs) {
    if (!value) continue;
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

/** Decodes one OTLP/HTTP JSON export request into flat spans. */
export function decodeExportRequest(body: JsonRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(plain(rs.resource?.attributes)["service.name"] ?? "");
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          name: s.name,
          kind: s.kind ?? 0,
          attributes: plain(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
          status: s.status?.code ?? 0,
          startMs: Number(BigInt(s.startTimeUnixNano ?? 0) / 1_000_000n),
          endMs: Number(BigInt(s.endTimeUnixNano ?? 0) / 1_000_000n),
        });
      }
    }
  }
  return out;
}

/** Starts a receiver on a free port of 127.0.0.1. Only the JSON encoding is accepted (415 otherwise). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => listening.resolve(port),
  }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST" || path !== "/v1/traces") return new Response("not found", { status: 404 });
    if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) {
      return new Response("only application/json", { status: 415 });
    }
    let stream = req.body ?? new Response("{}").body!;
    if (req.headers.get("content-encoding") === "gzip") {
      stream = stream.pipeThrough(new DecompressionStream("gzip"));
    }
    const body = await new Response(stream).json() as JsonRequest;
    requests++;
    spans.push(...decodeExportRequest(body));
    return Response.json({});
  });
  const port = await listening.promise;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    async waitFor(check, what, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!check(spans)) {
        if (Date.now() > end) {
          throw new Error(
            `Timed out waiting for ${what}; received ${spans.length} spans:\n${describeSpans(spans)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => server.shutdown(),
  };
}

/** One line per span (service, kind, name, ids), for failure messages. */
export function describeSpans(spans: ReceivedSpan[]): string {
  const kinds = Object.fromEntries(Object.entries(OtlpSpanKind).map(([k, v]) => [v, k]));
  return spans.map((s) =>
    `${s.service.padEnd(9)} ${
      (kinds[s.kind] ?? "?").padEnd(8)
    } ${s.name} trace=${s.traceId} span=${s.spanId} parent=${s.parentSpanId || "-"}`
  ).join("\n");
}

/** The spans of `traceId` as an indented tree (roots first, children by start time), for messages. */
export function renderTree(spans: ReceivedSpan[], traceId: string): string {
  const mine = spans.filter((s) => s.traceId === traceId).sort((a, b) => a.startMs - b.startMs);
  const ids = new Set(mine.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (s: ReceivedSpan, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${s.service}: ${s.name}`);
    for (const c of mine.filter((x) => x.parentSpanId === s.spanId)) walk(c, depth + 1);
  };
  for (const root of mine.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))) walk(root, 0);
  return lines.join("\n");
}

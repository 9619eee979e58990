/**
 * A small, strict parser of the Prometheus text exposition format (version 0.0.4, as the
 * OpenTelemetry Prometheus exporter writes it): `# HELP`, `# TYPE` and `# UNIT` lines, other comments,
 * blank lines, and samples `name{label="value",...} value [timestamp]` with `\\`, `\"` and `\n`
 * escapes in label values and `NaN`, `+Inf`, `-Inf` values. Anything else is an error naming the line,
 * so a broken exporter shows as broken instead of as zeros.
 *
 * @module
 */

/** A metric family's declared type. */
export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

/** One sample line. */
export interface Sample {
  /** The series name, e.g. `rpc_server_duration_milliseconds_bucket`. */
  name: string;
  /** Its labels. */
  labels: Readonly<Record<string, string>>;
  /** Its value. */
  value: number;
}

/** What one exposition holds. */
export interface Exposition {
  /** Every sample, in the order written. */
  samples: Sample[];
  /** Declared types by family name. */
  types: Map<string, MetricType>;
}

/** A line that is not valid exposition text. */
export class PrometheusParseError extends Error {
  /** The error for 1-based line `line`. */
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "PrometheusParseError";
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<string>(["counter", "gauge", "histogram", "summary", "untyped"]);
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a sample value spells; throws on anything else. */
export function parseValue(text: string, line = 0): number {
  switch (text) {
    case "NaN":
      return NaN;
    case "+Inf":
    case "Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
  }
  if (!FLOAT.test(text)) throw new PrometheusParseError(line, `"${text.slice(0, 40)}" is not a number`);
  return Number(text);
}

function parseComment(line: string, n: number, types: Map<string, MetricType>): void {
  const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return; // any other comment
  const [, keyword, name, rest = ""] = m;
  if (!NAME.test(name!) || NAME.exec(name!)![0] !== name) {
    throw new PrometheusParseError(n, `bad metric name "${name!.slice(0, 80)}" in # ${keyword}`);
  }
  if (keyword === "TYPE") {
    const type = rest.trim();
    if (!TYPES.has(type)) throw new PrometheusParseError(n, `unknown type "${type.slice(0, 40)}" of ${name}`);
    types.set(name!, type as MetricType);
  }
}

/** Parses `{a="x",b="y"}` starting at `i` (at the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number, n: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (true) {
    if (line[i] === "}") return [labels, i + 1];
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (!name) throw new PrometheusParseError(n, `bad label name at column ${i + 1}`);
    i += name.length;
    if (line[i] !== "=" || line[i + 1] !== '"') {
      throw new PrometheusParseError(n, `expected ="..." after label ${name}`);
    }
    i += 2;
    let value = "";
    while (true) {
      const c = line[i];
      if (c === undefined) throw new PrometheusParseError(n, `unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const e = line[i + 1];
        if (e === "\\") value += "\\";
        else if (e === '"') value += '"';
        else if (e === "n") value += "\n";
        else throw new PrometheusParseError(n, `bad escape "\\${e ?? ""}" in label ${name}`);
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    i++;
    if (Object.hasOwn(labels, name)) throw new PrometheusParseError(n, `label ${name} given twice`);
    labels[name] = value;
    if (line[i] === ",") i++;
    else if (line[i] !== "}") throw new PrometheusParseError(n, `expected , or } after label ${name}`);
  }
}

function parseSample(line: string, n: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new PrometheusParseError(n, `bad metric name at "${line.slice(0, 40)}"`);
  let i = name.length;
  let labels: Record<string, string> = {};
  if (line[i] === "{") [labels, i] = parseLabels(line, i, n);
  const rest = line.slice(i);
  if (!/^[ \t]/.test(rest)) throw new PrometheusParseError(n, `expected a space and a value after ${name}`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) throw new PrometheusParseError(n, `too many fields after ${name}`);
  const value = parseValue(fields[0]!, n);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) {
    throw new PrometheusParseError(n, `bad timestamp "${fields[1].slice(0, 40)}"`);
  }
  return { name, labels, value };
}

/** Options of {@linkcode parsePrometheusText}. */
export interface ParseOptions {
  /** Most samples accepted (default 100 000); more is an error. */
  maxSamples?: number;
}

/** Parses an exposition; throws a {@linkcode PrometheusParseError} naming the first bad line. */
export function parsePrometheusText(text: string, { maxSamples = 100_000 }: ParseOptions = {}): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  const lines = text.split("\n");
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!.replace(/\r$/, "").trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      parseComment(line, idx + 1, types);
      continue;
    }
    if (samples.length >= maxSamples) {
      throw new PrometheusParseError(idx + 1, `more than ${maxSamples} samples`);
    }
    samples.push(parseSample(line, idx + 1));
  }
  return { samples, types };
}

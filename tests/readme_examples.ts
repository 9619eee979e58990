/**
 * README's API examples as steps a test can run (test code only). The block between
 * `<!-- api-examples ... -->` and `<!-- /api-examples -->` is a `sh` fence holding, besides comments
 * and blank lines, only:
 *
 * - `curl ...` commands (lines ending in `\` continue), each followed by its expected answer
 *   `# → <status> <JSON sketch>` (further `#` lines indented by two or more spaces continue the sketch);
 * - assignments from the previous answer, `C=<customerId>; T=<token>` (a trailing `# comment` is fine).
 *
 * Anything else is an error, so the block stays something a newcomer can paste line by line. The JSON
 * sketch is JSON with `...` for "and more" (or inside a string, "any string"); it is what the README
 * promises about the answer, checked by {@linkcode sketchMismatches}.
 *
 * @module
 */

/** What a command's answer must be. */
export interface Expectation {
  /** HTTP status. */
  status: number;
  /** The JSON sketch with its `...` left out (`undefined` when the line has no sketch). */
  sketch: unknown;
  /** The sketch as written. */
  text: string;
}

/** One runnable step of the block. */
export type Step =
  | { kind: "curl"; line: number; command: string; expect: Expectation }
  | { kind: "assign"; line: number; vars: [name: string, key: string][] };

const START = /^<!-- api-examples\b.*-->$/;
const END = /^<!-- \/api-examples -->$/;
const ASSIGN = /^[A-Z][A-Z0-9_]*=<[A-Za-z]+>$/;

/** A sketch as JSON: `...` outside strings dropped, with the commas around it. */
export function sketchJson(sketch: string): string {
  let out = "";
  for (let i = 0; i < sketch.length; i++) {
    const ch = sketch[i]!;
    if (ch === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(sketch.slice(i));
      if (!m) throw new Error(`Unterminated string in ${JSON.stringify(sketch)}`);
      out += m[0];
      i += m[0].length - 1;
    } else if (sketch.startsWith("...", i)) {
      i += 2;
    } else {
      out += ch;
    }
  }
  return out.replace(/,(\s*,)+/g, ",").replace(/,(\s*[}\]])/g, "$1").replace(/([[{]\s*),/g, "$1");
}

/** Reads `<status> <JSON sketch>` (the text after `# →`). */
export function parseExpectation(text: string): Expectation {
  const m = /^(\d{3})\b\s*(.*)$/s.exec(text.trim());
  if (!m) throw new Error(`Expected "<status> <JSON sketch>" after "# →", got ${JSON.stringify(text)}`);
  const raw = m[2] ?? "";
  let sketch: unknown = undefined;
  if (/^[[{]/.test(raw)) {
    try {
      sketch = JSON.parse(sketchJson(raw));
    } catch (err) {
      throw new Error(`The sketch ${JSON.stringify(raw)} is not JSON with "...": ${(err as Error).message}`);
    }
  }
  return { status: Number(m[1]), sketch, text: text.trim() };
}

/** The lines of the marked block (inside its `sh` fence), with their 1-based line numbers in the file. */
export function exampleBlock(markdown: string): { line: number; text: string }[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => START.test(l.trim()));
  if (start < 0) throw new Error("README has no <!-- api-examples --> block");
  const end = lines.findIndex((l, i) => i > start && END.test(l.trim()));
  if (end < 0) throw new Error("README's api-examples block has no <!-- /api-examples --> end");
  const at = (i: number) => lines[i]?.trim() ?? "";
  let open = start + 1;
  while (open < end && at(open) === "") open++;
  let close = end - 1;
  while (close > open && at(close) === "") close--;
  if (at(open) !== "```sh" || at(close) !== "```") {
    throw new Error("README's api-examples block must be one ```sh fence");
  }
  return lines.slice(open + 1, close).map((text, i) => ({ line: open + 2 + i, text }));
}

/** The steps of README's marked block, in order; throws naming the line of anything it cannot run. */
export function readmeSteps(markdown: string): Step[] {
  const lines = exampleBlock(markdown);
  const steps: Step[] = [];
  let pending: { line: number; command: string } | null = null;
  let sketch: { line: number; command: string; text: string } | null = null;
  const closeSketch = () => {
    if (sketch) steps.push({ kind: "curl", ...sketch, expect: parseExpectation(sketch.text) });
    sketch = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const { line, text } = lines[i]!;
    const trimmed = text.trim();
    if (sketch && /^#\s{2,}\S/.test(trimmed) && !trimmed.startsWith("# →")) {
      sketch.text += ` ${trimmed.slice(1).trim()}`;
      continue;
    }
    closeSketch();
    if (trimmed.startsWith("# →")) {
      if (!pending) throw new Error(`README line ${line}: "# →" without a curl command before it`);
      sketch = { ...pending, text: trimmed.slice("# →".length) };
      pending = null;
      continue;
    }
    if (pending) throw new Error(`README line ${pending.line}: curl command without "# →" answer after it`);
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (trimmed.startsWith("curl ")) {
      let command = trimmed;
      while (command.endsWith("\\")) {
        const next = lines[++i];
        if (!next) throw new Error(`README line ${line}: the command's last line ends in "\\"`);
        command = `${command.slice(0, -1).trimEnd()} ${next.text.trim()}`;
      }
      pending = { line, command };
      continue;
    }
    const code = trimmed.replace(/\s+#.*$/, "");
    const parts = code.split(";").map((p) => p.trim()).filter((p) => p !== "");
    if (parts.length > 0 && parts.every((p) => ASSIGN.test(p))) {
      const vars = parts.map((p) => {
        const [name, key] = p.split("=") as [string, string];
        return [name, key.slice(1, -1)] as [string, string];
      });
      steps.push({ kind: "assign", line, vars });
      continue;
    }
    throw new Error(`README line ${line}: neither a curl command, an assignment nor a comment: ${trimmed}`);
  }
  closeSketch();
  if (pending) {
    throw new Error(`README line ${(pending as { line: number }).line}: curl command without "# →"`);
  }
  return steps;
}

/** Every value of `key` anywhere in `json`. */
export function valuesOf(json: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== "object" || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      if (k === key) found.push(child);
      walk(child);
    }
  };
  walk(json);
  return found;
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/**
 * Where `actual` differs from `sketch`: an object has at least the sketch's keys, each matching; an
 * array has, for each element of the sketch, an element that matches it; a string is equal unless the
 * sketch's has `...` (then any string); a number is any number (sketches show examples); `null` and
 * booleans are equal.
 */
export function sketchMismatches(sketch: unknown, actual: unknown, path = "$"): string[] {
  if (kind(sketch) !== kind(actual)) {
    return [`${path} is ${JSON.stringify(actual)}, expected a ${kind(sketch)}`];
  }
  if (Array.isArray(sketch)) {
    const list = actual as unknown[];
    return sketch.flatMap((want, i) =>
      list.some((got) => sketchMismatches(want, got).length === 0)
        ? []
        : [`${path} has no element like ${JSON.stringify(want)} (sketch element ${i})`]
    );
  }
  if (typeof sketch === "object" && sketch !== null) {
    const obj = actual as Record<string, unknown>;
    return Object.entries(sketch).flatMap(([k, want]) =>
      k in obj ? sketchMismatches(want, obj[k], `${path}.${k}`) : [`${path} has no "${k}"`]
    );
  }
  if (typeof sketch === "string" && !sketch.includes("...") && sketch !== actual) {
    return [`${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(sketch)}`];
  }
  if ((typeof sketch === "boolean" || sketch === null) && sketch !== actual) {
    return [`${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(sketch)}`];
  }
  return [];
}

/** The problems of an answer (`body`: parsed JSON, or the text) against `expect`; empty when it matches. */
export function mismatches(expect: Expectation, status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (status !== expect.status) problems.push(`status ${status}, expected ${expect.status}`);
  if (expect.sketch !== undefined) problems.push(...sketchMismatches(expect.sketch, body));
  return problems;
}

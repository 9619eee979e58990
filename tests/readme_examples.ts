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
 * sketch is what the README promises: every `"key":` in it is a key of the answer (at any depth), and
 * every `"key": "string"` whose string has no `...` is a value the answer has for that key.
 *
 * @module
 */

/** What a command's answer must be. */
export interface Expectation {
  /** HTTP status. */
  status: number;
  /** The sketch is JSON (starts with `{` or `[`): the answer must parse as JSON. */
  json: boolean;
  /** Keys the answer has, at any depth. */
  keys: string[];
  /** `[key, value]` pairs the answer has, at any depth. */
  values: [string, string][];
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
const PAIR = /"([A-Za-z_][A-Za-z0-9_]*)":\s*(?:"((?:[^"\\]|\\.)*)")?/g;

/** Reads the sketch after `# → `: its status, and the keys and values it names. */
export function parseExpectation(text: string): Expectation {
  const m = /^(\d{3})\b\s*(.*)$/s.exec(text.trim());
  if (!m) throw new Error(`Expected "<status> <JSON sketch>" after "# →", got ${JSON.stringify(text)}`);
  const sketch = m[2] ?? "";
  const keys: string[] = [];
  const values: [string, string][] = [];
  for (const [, key, raw] of sketch.matchAll(PAIR)) {
    if (key === undefined) continue;
    if (!keys.includes(key)) keys.push(key);
    if (raw === undefined) continue;
    const value = JSON.parse(`"${raw}"`) as string;
    if (!value.includes("...")) values.push([key, value]);
  }
  return { status: Number(m[1]), json: /^[[{]/.test(sketch), keys, values, text: text.trim() };
}

/** The lines of the marked block (inside its `sh` fence), with their 1-based line numbers in the file. */
export function exampleBlock(markdown: string): { line: number; text: string }[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => START.test(l.trim()));
  if (start < 0) throw new Error("README has no <!-- api-examples --> block");
  const end = lines.findIndex((l, i) => i > start && END.test(l.trim()));
  if (end < 0) throw new Error("README's api-examples block has no <!-- /api-examples --> end");
  const body = lines.slice(start + 1, end);
  if (body[0]?.trim() !== "```sh" || body.at(-1)?.trim() !== "```") {
    throw new Error("README's api-examples block must be one ```sh fence");
  }
  return body.slice(1, -1).map((text, i) => ({ line: start + 3 + i, text }));
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

/** The problems of `body` (parsed JSON, or the text) against `expect`; empty when it matches. */
export function mismatches(expect: Expectation, status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (status !== expect.status) problems.push(`status ${status}, expected ${expect.status}`);
  if (expect.json && typeof body === "string") problems.push("the answer is not JSON");
  for (const key of expect.keys) {
    if (valuesOf(body, key).length === 0) problems.push(`no "${key}" in the answer`);
  }
  for (const [key, value] of expect.values) {
    const seen = valuesOf(body, key);
    if (seen.length > 0 && !seen.includes(value)) {
      problems.push(
        `"${key}" is ${seen.map((s) => JSON.stringify(s)).join(" / ")}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}

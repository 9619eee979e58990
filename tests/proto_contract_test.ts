/**
 * The contracts stay compatible: `buf breaking` (proto/buf.yaml's FILE rules: no field renumbered,
 * renamed or retyped, no RPC or message removed, ...) finds nothing between proto/ as it is now and
 * proto/ in the previous commit, so every client built from the previous commit still works.
 *
 * Where the previous commit cannot be read (a shallow clone, the first commit) there is nothing to compare
 * with: that test then proves, and its name says, that this is why — it does not pass silently. A second
 * test proves the check itself bites: a field renamed in a copy of proto/ is reported as breaking. And
 * `buf lint` (run by codegen_test.ts) is configured to demand a comment on every element of the contracts.
 */
import assert from "node:assert/strict";

const BUF = "npm:@bufbuild/buf@1.74.0";
const ROOT = new URL("..", import.meta.url).pathname;

async function run(cmd: string, args: string[], cwd = ROOT): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: (dec.decode(r.stdout) + dec.decode(r.stderr)).trim() };
}

const git = (...args: string[]) => run("git", args);
const buf = (args: string[], cwd: string) => run(Deno.execPath(), ["run", "-A", BUF, ...args], cwd);

/** Copies the folder `from` into `to` (which exists). */
async function copyDir(from: string, to: string): Promise<void> {
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) {
      await Deno.mkdir(`${to}/${e.name}`);
      await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    } else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

/** The parent of HEAD, when this clone has it. */
const parent = await git("rev-parse", "--verify", "--quiet", "HEAD~1^{commit}");

if (parent.code === 0) {
  Deno.test(`buf breaking: proto/ is compatible with the previous commit (${parent.out.slice(0, 12)})`, async () => {
    // `.git` may be a worktree's pointer file; buf reads either. The working tree is compared, so
    // uncommitted changes are checked too.
    const r = await buf(["breaking", "--against", `${ROOT}.git#ref=HEAD~1,subdir=proto`], `${ROOT}proto`);
    assert.equal(r.code, 0, `buf breaking against HEAD~1 found incompatible changes:\n${r.out}`);
  });
} else {
  Deno.test("buf breaking: skipped because HEAD has no parent here (a shallow clone or the first commit)", async () => {
    const shallow = (await git("rev-parse", "--is-shallow-repository")).out === "true";
    const parents = (await git("rev-list", "--parents", "-n", "1", "HEAD")).out.split(" ").length - 1;
    assert.ok(
      shallow || parents === 0,
      `HEAD~1 could not be read (${
        parent.out || "no output"
      }), yet the clone is not shallow and HEAD has ${parents} parent(s)`,
    );
  });
}

Deno.test("buf breaking reports a renamed field (the check is not vacuous)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "oms-breaking-" });
  try {
    await copyDir(`${ROOT}proto`, tmp);
    const file = `${tmp}/oms/stock/v1/stock.proto`;
    const text = await Deno.readTextFile(file);
    const renamed = text.replace("int32 available = 5;", "int32 in_stock = 5;");
    assert.notEqual(renamed, text, "the field to rename is in stock.proto");
    await Deno.writeTextFile(file, renamed);
    const r = await buf(["breaking", "--against", `${ROOT}proto`], tmp);
    assert.notEqual(r.code, 0, "a renamed field is a breaking change");
    assert.match(r.out, /changed name from "available" to "in_stock"/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("buf lint enforces a comment on every service, rpc, message, field, oneof, enum and enum value", async () => {
  const r = await buf(["config", "ls-lint-rules", "--configured-only"], `${ROOT}proto`);
  assert.equal(r.code, 0, r.out);
  const configured = new Set(r.out.split("\n").map((l) => l.split(/\s+/)[0]));
  for (
    const rule of [
      "COMMENT_SERVICE",
      "COMMENT_RPC",
      "COMMENT_MESSAGE",
      "COMMENT_FIELD",
      "COMMENT_ONEOF",
      "COMMENT_ENUM",
      "COMMENT_ENUM_VALUE",
    ]
  ) {
    assert.ok(configured.has(rule), `proto/buf.yaml's lint rules include ${rule}`);
  }
});

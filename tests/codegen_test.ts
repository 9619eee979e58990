/**
 * The contracts: `buf lint` passes, and the generated TypeScript and descriptor set (served by gRPC
 * reflection) in services/common/gen are exactly what `deno task gen` produces from proto/ today (fails
 * when someone edits a .proto and forgets to regenerate, or edits generated code by hand).
 */
import assert from "node:assert/strict";

const BUF = "npm:@bufbuild/buf@1.74.0";
const root = new URL("..", import.meta.url).pathname;

async function run(args: string[], cwd = root): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(`${dir}/${e.name}`, rel));
    else out.push(rel);
  }
  return out.sort();
}

Deno.test("buf lint passes on every proto package", async () => {
  const r = await run(["run", "-A", BUF, "lint"], `${root}proto`);
  assert.equal(r.code, 0, r.out);
});

Deno.test("generated stubs are up to date with proto/", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "oms-gen-" });
  try {
    const template = (await Deno.readTextFile(`${root}proto/buf.gen.yaml`)).replace(
      /out: \.\.\/services\/common\/gen/,
      `out: ${tmp}`,
    );
    await Deno.writeTextFile(`${tmp}/buf.gen.yaml`, template);
    const gen = await run(
      ["run", "-A", BUF, "generate", "--template", `${tmp}/buf.gen.yaml`],
      `${root}proto`,
    );
    assert.equal(gen.code, 0, gen.out);
    const build = await run(
      ["run", "-A", BUF, "build", "-o", `${tmp}/oms_descriptors.binpb`],
      `${root}proto`,
    );
    assert.equal(build.code, 0, build.out);
    await Deno.remove(`${tmp}/buf.gen.yaml`);
    const fmt = await run(["fmt", "--config", `${root}deno.json`, tmp]);
    assert.equal(fmt.code, 0, fmt.out);
    const committed = await listFiles(`${root}services/common/gen`);
    const fresh = await listFiles(tmp);
    assert.deepEqual(committed, fresh, "the same files");
    for (const f of fresh) {
      const a = await Deno.readFile(`${root}services/common/gen/${f}`);
      const b = await Deno.readFile(`${tmp}/${f}`);
      assert.ok(
        a.length === b.length && a.every((x, i) => x === b[i]),
        `services/common/gen/${f} is stale: run deno task gen`,
      );
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { type BenchRunner, main, runBenchProcess } from "./main.ts";
import { fakeReport } from "./testing.ts";

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** A git repository of two commits (the first one's file says "base"); its path and both commits. */
async function twoCommitRepo(): Promise<{ repo: string; base: string; head: string }> {
  const repo = await Deno.makeTempDir({ prefix: "pairs-repo-" });
  await git(repo, "init", "-q");
  await git(repo, "config", "user.email", "t@example.com");
  await git(repo, "config", "user.name", "t");
  await Deno.writeTextFile(`${repo}/which.txt`, "base\n");
  await git(repo, "add", ".");
  await git(repo, "commit", "-qm", "base");
  const base = await git(repo, "rev-parse", "--short", "HEAD");
  await Deno.writeTextFile(`${repo}/which.txt`, "head\n");
  await git(repo, "commit", "-qam", "head");
  return { repo, base, head: await git(repo, "rev-parse", "--short", "HEAD") };
}

/** A runner that records each run and saves a report whose CPU says which tree it ran in. */
function recordingRunner(runs: { tree: string; args: string[]; cwd: string }[], failAt = -1): BenchRunner {
  return async (cwd, args, logPath) => {
    const tree = (await Deno.readTextFile(`${cwd}/which.txt`)).trim();
    runs.push({ tree, args, cwd });
    await Deno.writeTextFile(logPath, `bench in ${tree}\n`);
    if (runs.length === failAt) return 1;
    const out = args[args.indexOf("--out") + 1]!;
    const cpu = tree === "base" ? 14 : 13;
    await Deno.writeTextFile(
      `${out}/r.json`,
      JSON.stringify(fakeReport({ cpu, sqlite: cpu / 4, ratio: cpu / 6, ordersPerS: 200 - cpu, rss: 700 })),
    );
    return 0;
  };
}

Deno.test("bench:pairs runs the base in a worktree and the work tree here, alternating, saves the summary and removes the worktree", async () => {
  const { repo, base, head } = await twoCommitRepo();
  const out = await Deno.makeTempDir({ prefix: "pairs-out-" });
  try {
    const runs: { tree: string; args: string[]; cwd: string }[] = [];
    const said: string[] = [];
    const code = await main(["--base", "HEAD~1", "--pairs", "2", "--out", out, "--", "--duration", "5"], {
      repoDir: repo,
      runBench: recordingRunner(runs),
      say: (l) => said.push(l),
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, said.join("\n"));
    assert.deepEqual(
      runs.map((r) => r.tree),
      ["base", "head", "base", "head"],
      "before, after, before, after",
    );
    assert.notEqual(runs[0]!.cwd, runs[1]!.cwd);
    for (const r of runs) {
      assert.deepEqual(r.args.slice(0, 2), ["--duration", "5"], "the bench's flags passed on");
    }
    const [dir] = [...Deno.readDirSync(out)].map((e) => e.name);
    assert.match(dir!, new RegExp(`_${base}_vs_${head}$`));
    const saved = JSON.parse(await Deno.readTextFile(`${out}/${dir}/pairs.json`));
    assert.deepEqual(saved.summary.cpuMsPerOrder, { before: 14, after: 13, betterAfter: 2, pairs: 2 });
    assert.match(await Deno.readTextFile(`${out}/${dir}/pairs.txt`), /14 -> 13/);
    assert.equal(await Deno.readTextFile(`${out}/${dir}/after-2/bench.log`), "bench in head\n");
    assert.ok(!(await git(repo, "worktree", "list")).includes(runs[0]!.cwd), "the worktree is gone");
    await assert.rejects(Deno.stat(runs[0]!.cwd), Deno.errors.NotFound);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench:pairs stops at a failed run, says where its log is, and still removes the worktree", async () => {
  const { repo } = await twoCommitRepo();
  const out = await Deno.makeTempDir({ prefix: "pairs-out-" });
  try {
    const runs: { tree: string; args: string[]; cwd: string }[] = [];
    const said: string[] = [];
    const code = await main(["--base", "HEAD~1", "--out", out], {
      repoDir: repo,
      runBench: recordingRunner(runs, 2),
      say: (l) => said.push(l),
      signal: new AbortController().signal,
    });
    assert.equal(code, 1);
    assert.equal(runs.length, 2, "nothing runs after the failure");
    assert.match(said.at(-1)!, /The after run of pair 1 failed \(exit 1\); see .*after-1\/bench\.log/);
    assert.ok(!(await git(repo, "worktree", "list")).includes(runs[0]!.cwd), "the worktree is gone");
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench:pairs refuses a base that is not a commit, and runs nothing", async () => {
  const { repo } = await twoCommitRepo();
  try {
    const runs: { tree: string; args: string[]; cwd: string }[] = [];
    const said: string[] = [];
    const code = await main(["--base", "no-such-rev", "--out", `${repo}/out`], {
      repoDir: repo,
      runBench: recordingRunner(runs),
      say: (l) => said.push(l),
      signal: new AbortController().signal,
    });
    assert.equal(code, 2);
    assert.equal(runs.length, 0);
    assert.match(said[0]!, /--base "no-such-rev" is not a commit of/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("a bench run's stdout and stderr both go to its log, and its exit code comes back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pairs-runner-" });
  try {
    // a project whose bench task prints to both streams and fails
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ tasks: { bench: "echo table-on-stdout && echo progress-on-stderr >&2 && exit 3" } }),
    );
    const code = await runBenchProcess(dir, [], `${dir}/bench.log`);
    assert.equal(code, 3);
    const log = await Deno.readTextFile(`${dir}/bench.log`);
    assert.match(log, /table-on-stdout/);
    assert.match(log, /progress-on-stderr/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

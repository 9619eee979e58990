/**
 * README's API examples, run as written: every `curl` of the marked block (see `readme_examples.ts`)
 * is run by the `curl` binary through bash against the whole system as real processes (four services
 * and web on the real RabbitMQ), with web in dev's open mode (`WEB_OPEN_CUSTOMER_API=true`, as
 * `deno task dev` starts it) so the seed's bare-customer-id request is shown as it works there. Each
 * answer is checked against the `# →` line under its command, and `NAME=<key>` lines take `key` from
 * the previous answer, as a reader would copy it.
 */
import assert from "node:assert/strict";
import { startSystem } from "./system.ts";
import { mismatches, readmeSteps, valuesOf } from "./readme_examples.ts";

const README = new URL("../README.md", import.meta.url);

/** Runs one curl command line through bash with `vars` set; its status and body (JSON when it parses). */
async function runCurl(
  command: string,
  vars: Record<string, string>,
): Promise<{ status: number; body: unknown; raw: string }> {
  const cmd = command.replace(/^curl /, `curl -sS --max-time 20 -w '\\n%{http_code}' `);
  const out = await new Deno.Command("bash", {
    args: ["-c", cmd],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...vars },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${command} failed: ${new TextDecoder().decode(out.stderr)}${text}`);
  }
  const cut = text.lastIndexOf("\n");
  const raw = text.slice(0, cut);
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON: the expectation says whether it must be
  }
  return { status: Number(text.slice(cut + 1)), body, raw };
}

/** What `NAME=<key>` takes from an answer: the first `key` in it, or for `sessionId` the end of `paymentLink`. */
function pick(body: unknown, key: string): string | undefined {
  const found = valuesOf(body, key).find((v) => typeof v === "string" && v !== "");
  if (typeof found === "string") return found;
  if (key === "sessionId") {
    const link = valuesOf(body, "paymentLink").find((v) => typeof v === "string" && v !== "");
    return typeof link === "string" ? new URL(link).pathname.split("/").at(-1) : undefined;
  }
  return undefined;
}

Deno.test("README's curl examples answer as README says, against a live system", async (t) => {
  const steps = readmeSteps(await Deno.readTextFile(README));
  const sys = await startSystem({ envFor: { web: { WEB_OPEN_CUSTOMER_API: "true" } } });
  try {
    const host = new URL(sys.url).host;
    const vars: Record<string, string> = {};
    let last: unknown = undefined;
    for (const step of steps) {
      if (step.kind === "assign") {
        for (const [name, key] of step.vars) {
          const value = pick(last, key);
          assert.ok(value, `README line ${step.line}: the previous answer has no "${key}" for ${name}`);
          vars[name] = value;
        }
        continue;
      }
      await t.step(`line ${step.line}: ${step.command.slice(0, 100)}`, async () => {
        const command = step.command.replaceAll("localhost:8080", host);
        const res = await runCurl(command, vars);
        last = res.body; // the next assignment reads it even when this answer is wrong, so one mistake shows once
        const problems = mismatches(step.expect, res.status, res.body);
        assert.deepEqual(
          problems,
          [],
          `README line ${step.line}: ${step.command}\nexpected → ${step.expect.text}\ngot ${res.status} ${res.raw}`,
        );
      });
    }
  } finally {
    await sys.stop();
  }
});

/**
 * A backend that fails in the middle of a call is answered 503 `retryable: true` with `Retry-After`,
 * never 500: a real gRPC server process killed with SIGKILL while the call is in flight, and an HTTP/2
 * server that tears the call down without a gRPC status.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { createApp } from "../server.ts";
import { depsWithoutServices } from "../testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function appWithStockAt(stockAddr: string) {
  const { deps, close } = depsWithoutServices({ STOCK_ADDR: stockAddr, RPC_TIMEOUT_MS: "20000" });
  return { app: createApp(deps), close };
}

async function assertRetryable503(res: Response) {
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  const { error } = await res.json() as { error: { code: string; message: string; retryable?: boolean } };
  assert.equal(error.code, "unavailable");
  assert.equal(error.retryable, true);
  assert.match(error.message, /stock service .*Retrying is safe.*Idempotency-Key/);
}

Deno.test("a backend process killed (SIGKILL) mid-call gives 503 retryable, not 500", opts, async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./testdata/hanging_grpc_server.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const waitFor = async (re: RegExp) => {
    while (!re.test(seen)) {
      const { value, done } = await out.read();
      if (done) throw new Error(`the fixture server ended early: ${seen}`);
      seen += value;
    }
    return re.exec(seen)!;
  };
  const port = (await waitFor(/port (\d+)/))[1];
  const { app, close } = appWithStockAt(`127.0.0.1:${port}`);
  try {
    const pending = app.request("/api/products");
    await waitFor(/called/);
    child.kill("SIGKILL");
    await assertRetryable503(await pending);
  } finally {
    close();
    await out.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test(
  "a backend that resets the call without a gRPC status gives 503 retryable, not 500",
  opts,
  async () => {
    const server = http2.createServer();
    server.on("stream", (stream) => stream.session?.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as { port: number };
    const { app, close } = appWithStockAt(`127.0.0.1:${port}`);
    try {
      await assertRetryable503(await app.request("/api/products"));
    } finally {
      close();
      await new Promise((resolve) => server.close(resolve));
    }
  },
);

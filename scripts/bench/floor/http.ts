/**
 * The HTTP floor: one request from `fetch` to `Deno.serve` answering a small JSON body, both in this
 * process.
 *
 * @module
 */
import { measureCpuPerOp, type PrimitiveCost } from "./measure.ts";

/** CPU ms of one HTTP request (client + server) over `ops` requests, `lanes` in flight. */
export async function httpFloor(ops: number, lanes = 1): Promise<PrimitiveCost> {
  const body = JSON.stringify({ id: "o-1", status: "paid", paymentLink: "" });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(body, { headers: { "content-type": "application/json" } }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/api/orders/o-1`;
  try {
    return await measureCpuPerOp(async () => {
      const res = await fetch(url, { headers: { accept: "application/json" } });
      await res.text();
    }, { ops, warmup: Math.min(500, ops), lanes });
  } finally {
    await server.shutdown();
  }
}

import assert from "node:assert/strict";
import { ApiClient, type Failure } from "./client.ts";
import { followStream, type StreamFollow } from "./follow_stream.ts";
import { type FakeGateway, startFakeGateway } from "./testing.ts";

async function withOrder(fn: (fake: FakeGateway, orderId: string, token: string) => Promise<void>) {
  const fake = startFakeGateway({ "1": 10 });
  try {
    const token = fake.issue("c-1");
    const order = await (await fetch(`${fake.url}/api/customers/c-1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ items: [{ id: "1", quantity: 1 }] }),
    })).json() as { id: string };
    await fn(fake, order.id, token);
  } finally {
    await fake.close();
  }
}

function follow(
  fake: FakeGateway,
  over: Partial<StreamFollow> & Pick<StreamFollow, "orderId">,
): { failures: Failure[]; run: ReturnType<typeof followStream> } {
  const failures: Failure[] = [];
  const run = followStream(new ApiClient(fake.url, 2000), {
    headers: {},
    deadline: performance.now() + 1000,
    reopenMs: 10,
    done: () => true,
    onFailure: (f) => void failures.push(f),
    ...over,
  });
  return { failures, run };
}

Deno.test("the order's stream is read until the view waited for; each change arrives as an event", async () => {
  await withOrder(async (fake, orderId, token) => {
    const seen: string[] = [];
    const { failures, run } = follow(fake, {
      orderId,
      headers: { authorization: `Bearer ${token}` },
      done: (o) => {
        seen.push(o.status);
        return o.status === "cancelled";
      },
    });
    setTimeout(() => {
      void fetch(`${fake.url}/api/customers/c-1/orders/${orderId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.body?.cancel());
    }, 50);
    const last = await run;
    assert.equal(last?.status, "cancelled");
    assert.deepEqual(seen, ["waiting_payment", "cancelled"]);
    assert.deepEqual(failures, []);
    assert.equal(fake.streamsOpened, 1);
  });
});

Deno.test("at the deadline the last view is returned and the cut is not a failure", async () => {
  await withOrder(async (fake, orderId, token) => {
    const { failures, run } = follow(fake, {
      orderId,
      headers: { authorization: `Bearer ${token}` },
      deadline: performance.now() + 100,
      done: (o) => o.status === "paid", // never: nobody pays
    });
    assert.equal((await run)?.status, "waiting_payment");
    assert.deepEqual(failures, []);
  });
});

Deno.test("another customer's order is gone: one failure and the follow ends", async () => {
  await withOrder(async (fake, orderId) => {
    const { failures, run } = follow(fake, {
      orderId,
      headers: { authorization: `Bearer ${fake.issue("c-2")}` },
    });
    assert.equal(await run, undefined);
    assert.deepEqual(failures.map((f) => f.type), ["protocol"]);
    assert.match(JSON.stringify(failures[0]), /said it is gone/);
    assert.equal(fake.streamsOpened, 1);
  });
});

Deno.test("a stream that cannot be opened is tried again until the deadline, each failure reported", async () => {
  await withOrder(async (fake, orderId) => {
    const { failures, run } = follow(fake, {
      orderId,
      headers: { authorization: "Bearer unknown" },
      deadline: performance.now() + 200,
    });
    assert.equal(await run, undefined);
    assert.ok(failures.length >= 2, `${failures.length} failures`);
    for (const f of failures) {
      assert.deepEqual(f.type === "http" && [f.status, f.code], [401, "invalid_token"]);
    }
  });
});

import assert from "node:assert/strict";
import { ApiClient, asOrder, type RequestOptions } from "./client.ts";
import { OrderLedger } from "./ledger.ts";
import { parseOptions } from "./options.ts";
import { runLoad } from "./run.ts";
import { CustomerTokens } from "./customers.ts";
import { chooseIntent, pickCart, Shopper, type ShopperContext } from "./shopper.ts";
import { RunStats } from "./stats.ts";
import { type FakeGateway, startFakeGateway } from "./testing.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A deterministic uniform generator. */
function seeded(seed = 42): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function context(fake: FakeGateway, over: Partial<ShopperContext> = {}): ShopperContext {
  return {
    client: new ApiClient(fake.url, 2000),
    stats: new RunStats(),
    ledger: new OrderLedger(),
    customers: new CustomerTokens(),
    rates: { cancel: 0, decline: 0, expire: 0 },
    storefrontRate: 1,
    waitMs: 1000,
    follow: "stream",
    pollMs: 10,
    soldOutPauseMs: 1,
    shouldContinue: () => true,
    claimOrder: () => true,
    releaseOrder: () => {},
    random: seeded(),
    elapsedMs: () => 1500,
    ...over,
  };
}

async function withFake(stock: Record<string, number>, fn: (fake: FakeGateway) => Promise<void>) {
  const fake = startFakeGateway(stock);
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("intents follow the rates: cancel first, then decline, then expire, the rest pay", () => {
  const rates = { cancel: 0.1, decline: 0.05, expire: 0.05 };
  assert.equal(chooseIntent(0, rates), "cancel");
  assert.equal(chooseIntent(0.0999, rates), "cancel");
  assert.equal(chooseIntent(0.1, rates), "decline");
  assert.equal(chooseIntent(0.16, rates), "expire");
  assert.equal(chooseIntent(0.2, rates), "pay");
  assert.equal(chooseIntent(0.999, { cancel: 0, decline: 0, expire: 0 }), "pay");
});

Deno.test("a cart has 1 to 3 distinct available items, 1 or 2 units each, never more than is available", () => {
  const random = seeded(7);
  const products = [
    { id: "1", available: 5 },
    { id: "2", available: 1 },
    { id: "3", available: 0 },
    { id: "4", available: 2 },
  ];
  for (let i = 0; i < 500; i++) {
    const cart = pickCart(products, random);
    assert.ok(cart.length >= 1 && cart.length <= 3);
    assert.equal(new Set(cart.map((l) => l.id)).size, cart.length);
    for (const l of cart) {
      const p = products.find((x) => x.id === l.id)!;
      assert.ok(l.quantity >= 1 && l.quantity <= Math.min(2, p.available), JSON.stringify(l));
    }
  }
  assert.deepEqual(pickCart([{ id: "3", available: 0 }], random), []);
});

Deno.test("a checkout answered 503 is retried with the same Idempotency-Key and the order is counted once", async () => {
  await withFake({ "1": 10 }, async (fake) => {
    fake.failCheckouts = [503];
    const ctx = context(fake);
    await new Shopper(ctx, 2).visit();
    assert.equal(fake.checkoutKeys.length, 2);
    assert.match(fake.checkoutKeys[0]!, UUID_V7);
    assert.equal(fake.checkoutKeys[1], fake.checkoutKeys[0], "the retry sends the same key");
    assert.equal(fake.orders.size, 1);
    assert.equal(ctx.stats.ordersPlaced, 1);
    assert.equal(ctx.ledger.size, 1);
    assert.deepEqual([...ctx.stats.errors], [["checkout: HTTP 503 unavailable", 1]]);
  });
});

Deno.test("409 out of stock and an empty menu are expected outcomes, not errors, and give the order slot back", async () => {
  await withFake({ "1": 10 }, async (fake) => {
    fake.outOfStockNext = 1;
    let released = 0;
    const ctx = context(fake, { releaseOrder: () => void released++ });
    await new Shopper(ctx, 1).visit();
    assert.equal(ctx.stats.outOfStock, 1);
    assert.equal(ctx.stats.ordersPlaced, 0);
    assert.equal(released, 1);
    assert.equal(ctx.stats.firstShortageMs, 1500);

    fake.stock.set("1", 0);
    await new Shopper(ctx, 1).visit();
    assert.equal(ctx.stats.soldOut, 1);
    assert.equal(ctx.stats.errorCount, 0);
  });
});

for (const follow of ["stream", "poll"] as const) {
  Deno.test(`[--follow ${follow}] a visit browses, checks out with an Idempotency-Key, pays and follows the order until paid`, async () => {
    await withFake({ "1": 10, "2": 10 }, async (fake) => {
      const ctx = context(fake, { follow });
      assert.equal(await new Shopper(ctx, 1).visit(), true);
      assert.equal(ctx.stats.ordersPlaced, 1);
      assert.equal(ctx.stats.intents.pay, 1);
      const [tracked] = ctx.ledger.all();
      // the shopper signed up and proved itself with its token (the fake answers 401 without)
      assert.equal(tracked?.customerId, "c-1");
      assert.equal(fake.tokens.size, 1);
      assert.equal(tracked?.status, "paid");
      assert.equal(fake.orders.get(tracked!.id)?.status, "paid");
      assert.equal(fake.checkoutKeys.length, 1);
      assert.match(fake.checkoutKeys[0]!, UUID_V7);
      for (const step of ["browse", "storefront", "checkout", "pay", "payToPaid", "timeToPaid"] as const) {
        assert.equal(ctx.stats.steps[step].count, 1, step);
      }
      assert.equal(ctx.stats.errorCount, 0);
      // followed the way it was told: the live stream only, or polling only
      if (follow === "stream") {
        assert.ok(fake.streamsOpened > 0);
        assert.equal(fake.orderReads, 0);
      } else {
        assert.equal(fake.streamsOpened, 0);
        assert.ok(fake.orderReads > 0);
      }
    });
  });

  Deno.test(`[--follow ${follow}] cancelled, declined and expired orders end cancelled and give their stock back`, async () => {
    await withFake({ "1": 10 }, async (fake) => {
      for (
        const [rates, intent] of [
          [{ cancel: 1, decline: 0, expire: 0 }, "cancel"],
          [{ cancel: 0, decline: 1, expire: 0 }, "decline"],
          [{ cancel: 0, decline: 0, expire: 1 }, "expire"],
        ] as const
      ) {
        const ctx = context(fake, { rates, follow });
        await new Shopper(ctx, 1).visit();
        assert.equal(ctx.stats.intents[intent], 1, intent);
        assert.equal(ctx.ledger.all()[0]?.status, "cancelled", intent);
        assert.equal(ctx.stats.errorCount, 0, intent);
      }
      assert.equal(fake.stock.get("1"), 10);
    });
  });

  Deno.test(`[--follow ${follow}] a 202 pending order is followed until its payment link appears, then paid`, async () => {
    await withFake({ "1": 10 }, async (fake) => {
      fake.linkDelayMs = 50;
      const ctx = context(fake, { follow });
      let firstLook = "";
      const client = ctx.client;
      ctx.client = Object.assign(Object.create(client), {
        request: async (method: string, path: string, opts?: RequestOptions) => {
          const res = await client.request(method, path, opts);
          if (method === "POST" && path.endsWith("/orders")) {
            firstLook = `${res.status} ${asOrder(res.body)?.status}`;
          }
          return res;
        },
      });
      await new Shopper(ctx, 1).visit();
      assert.equal(firstLook, "202 pending");
      assert.equal(ctx.stats.ordersPlaced, 1);
      assert.equal(ctx.ledger.all()[0]?.status, "paid");
      assert.equal(ctx.stats.errorCount, 0);
    });
  });

  Deno.test(`[--follow ${follow}] an order that never gets a payment link within --wait is cancelled and the error reported`, async () => {
    await withFake({ "1": 10 }, async (fake) => {
      fake.linkDelayMs = 60_000;
      const ctx = context(fake, { waitMs: 100, follow });
      await new Shopper(ctx, 1).visit();
      assert.deepEqual([...ctx.stats.errors.keys()], ["follow: no payment link"]);
      const [order] = ctx.ledger.all();
      assert.equal(order?.status, "cancelled");
      assert.equal(order?.expectation, "cancel");
      assert.equal(fake.stock.get("1"), 10);
    });
  });

  Deno.test(`[--follow ${follow}] an order that does not settle within --wait is reported as an error of the follow step`, async () => {
    await withFake({ "1": 10 }, async (fake) => {
      fake.paymentsStall = true;
      const ctx = context(fake, { waitMs: 100, follow });
      await new Shopper(ctx, 1).visit();
      assert.deepEqual([...ctx.stats.errors.keys()], ["follow: not paid within --wait"]);
      assert.match(
        ctx.stats.errorExamples.get("follow: not paid within --wait")!,
        /still waiting_payment after 100 ms/,
      );
      assert.equal(ctx.stats.steps.timeToPaid.count, 0);
    });
  });
}

Deno.test("a stream that ends early is opened again, and the order still followed to paid", async () => {
  await withFake({ "1": 10 }, async (fake) => {
    fake.cutStreams = 1;
    fake.settleMs = 150;
    const ctx = context(fake);
    await new Shopper(ctx, 1).visit();
    assert.equal(fake.streamsOpened, 2);
    assert.equal(ctx.ledger.all()[0]?.status, "paid");
    assert.equal(ctx.stats.steps.timeToPaid.count, 1);
    assert.equal(ctx.stats.errorCount, 0);
  });
});

for (const follow of ["stream", "poll"] as const) {
  Deno.test(`[--follow ${follow}] a run stops at --max-orders, checks every order and exits 0 when all are where they should be`, async () => {
    await withFake({ "1": 100, "2": 100, "3": 100 }, async (fake) => {
      const opts = parseOptions([
        "--url",
        fake.url,
        "--duration",
        "20",
        "--concurrency",
        "3",
        "--max-orders",
        "7",
        "--wait",
        "2",
        "--follow",
        follow,
      ]);
      const started = performance.now();
      const report = await runLoad(opts, { random: seeded(3) });
      assert.ok(performance.now() - started < 10_000, "stopped at the order bound, not the duration");
      assert.equal(report.orders.placed, 7);
      assert.equal(fake.orders.size, 7);
      assert.equal(report.check.checked, 7);
      assert.equal(report.check.ok, true);
      assert.equal(report.exitCode, 0);
      assert.equal(report.errors.total, 0);
      // (the final check reads orders through the API in both modes)
      assert.equal(fake.streamsOpened > 0, follow === "stream");
    });
  });
}

Deno.test("a run against a sold-out menu keeps browsing until the time is up and places nothing", async () => {
  await withFake({ "1": 0 }, async (fake) => {
    const opts = parseOptions(["--url", fake.url, "--duration", "0.5", "--concurrency", "2"]);
    const report = await runLoad(opts);
    assert.equal(report.orders.placed, 0);
    assert.ok(report.expected.soldOut > 0);
    assert.equal(report.errors.total, 0);
    assert.equal(report.exitCode, 0);
  });
});

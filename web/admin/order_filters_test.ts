import assert from "node:assert/strict";
import { filtersHref, nextPage, parseFilters, previousPage } from "./order_filters.ts";

Deno.test("filters round-trip through the URL; invalid values are dropped", () => {
  const url = new URL(
    "http://x/admin?q=+Ada+&status=paid&status=bogus&status=ready&payment=refunded&from=2026-11-01&to=2026-02-30&cursor=123.abc",
  );
  const f = parseFilters(url.searchParams);
  assert.deepEqual(f, {
    q: "Ada",
    statuses: ["paid", "ready"],
    payments: ["refunded"],
    from: "2026-11-01",
    to: "",
    cursor: "123.abc",
    back: [],
  });
  const again = parseFilters(new URL(filtersHref("/admin", f), "http://x").searchParams);
  assert.deepEqual(again, f);
  assert.equal(
    filtersHref("/admin", { ...f, cursor: "" }),
    "/admin?q=Ada&status=paid&status=ready&payment=refunded&from=2026-11-01",
  );
});

Deno.test("next and previous pages keep the filters and walk the remembered cursors", () => {
  const first = parseFilters(new URLSearchParams("status=paid"));
  const second = nextPage(first, "c2");
  const third = nextPage(second, "c3");
  assert.deepEqual(third.back, ["~", "c2"]);
  const back2 = previousPage(third)!;
  assert.equal(back2.cursor, "c2");
  assert.deepEqual(back2.statuses, ["paid"]);
  const back1 = previousPage(back2)!;
  assert.equal(back1.cursor, "");
  assert.equal(previousPage(back1), null);
  assert.deepEqual(parseFilters(new URL(filtersHref("/admin", third), "http://x").searchParams).back, [
    "~",
    "c2",
  ]);
});

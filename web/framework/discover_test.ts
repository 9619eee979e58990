import assert from "node:assert/strict";
import { comparePatterns, discoverRoutes } from "./discover.ts";

Deno.test("file names map to Hono patterns: index, params, nested folders, catch-all, groups", () => {
  const table = discoverRoutes([
    "index.tsx",
    "about.tsx",
    "orders/index.tsx",
    "orders/[id].tsx",
    "orders/[id]/events.ts",
    "docs/[...path].tsx",
    "(shop)/cart.tsx",
    "orders/[id]_test.tsx",
    "README.md",
  ]);
  const byFile = Object.fromEntries(table.routes.map((r) => [r.file, [r.pattern, r.params]]));
  assert.deepEqual(byFile, {
    "index.tsx": ["/", []],
    "about.tsx": ["/about", []],
    "orders/index.tsx": ["/orders", []],
    "orders/[id].tsx": ["/orders/:id", ["id"]],
    "orders/[id]/events.ts": ["/orders/:id/events", ["id"]],
    "docs/[...path].tsx": ["/docs/:path{.+}", ["path"]],
    "(shop)/cart.tsx": ["/cart", []],
  });
});

Deno.test("static segments are matched before parameters, parameters before catch-alls", () => {
  const table = discoverRoutes([
    "[...all].tsx",
    "orders/[id].tsx",
    "orders/new.tsx",
    "[slug].tsx",
    "orders/index.tsx",
  ]);
  const order = table.routes.map((r) => r.pattern);
  assert.ok(order.indexOf("/orders/new") < order.indexOf("/orders/:id"), order.join(" "));
  assert.ok(order.indexOf("/orders") < order.indexOf("/:slug"), order.join(" "));
  assert.equal(order.at(-1), "/:all{.+}");
  assert.ok(comparePatterns("/a/b", "/a/:x") < 0);
  assert.ok(comparePatterns("/:x", "/:x{.+}") < 0);
});

Deno.test("layouts and middlewares nest from the root inwards; _app, _404, _500 are found", () => {
  const table = discoverRoutes([
    "_app.tsx",
    "_404.tsx",
    "_500.tsx",
    "_layout.tsx",
    "_middleware.ts",
    "index.tsx",
    "admin/_layout.tsx",
    "admin/_middleware.ts",
    "admin/orders/_middleware.ts",
    "admin/orders/[id].tsx",
    "shop/item.tsx",
  ]);
  assert.equal(table.app, "_app.tsx");
  assert.equal(table.notFound, "_404.tsx");
  assert.equal(table.error, "_500.tsx");
  assert.equal(table.rootLayout, "_layout.tsx");
  const admin = table.routes.find((r) => r.file === "admin/orders/[id].tsx")!;
  assert.deepEqual(admin.layouts, ["_layout.tsx", "admin/_layout.tsx"]);
  assert.deepEqual(admin.middlewares, [
    "_middleware.ts",
    "admin/_middleware.ts",
    "admin/orders/_middleware.ts",
  ]);
  const item = table.routes.find((r) => r.file === "shop/item.tsx")!;
  assert.deepEqual(item.layouts, ["_layout.tsx"]);
  assert.deepEqual(item.middlewares, ["_middleware.ts"]);
});

Deno.test("mistakes in route names are refused with the file named", () => {
  assert.throws(
    () => discoverRoutes(["orders.tsx", "orders/index.tsx"]),
    /"orders.tsx" and "orders\/index.tsx" both serve \/orders/,
  );
  assert.throws(() => discoverRoutes(["a/_app.tsx"]), /"a\/_app.tsx": _app is only allowed at the root/);
  assert.throws(() => discoverRoutes(["_helpers.ts"]), /"_helpers.ts" starts with "_"/);
  assert.throws(() => discoverRoutes(["[...a]/b.tsx"]), /catch-all must be the last segment/);
  assert.throws(() => discoverRoutes(["item-[id].tsx"]), /unsupported path segment "item-\[id\]"/);
  assert.throws(() => discoverRoutes(["[id]/[id].tsx"]), /names a parameter twice/);
});

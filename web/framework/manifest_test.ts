import assert from "node:assert/strict";
import { generateManifest } from "./gen_manifest.ts";

Deno.test("web/routes.gen.ts and web/client.gen.ts match routes/ and islands/ (run gen_manifest.ts if not)", async () => {
  const { routes, client } = await generateManifest();
  const web = new URL("../", import.meta.url);
  const hint = "stale: run `deno run -A web/framework/gen_manifest.ts`";
  assert.equal(
    await Deno.readTextFile(new URL("routes.gen.ts", web)),
    routes,
    `web/routes.gen.ts is ${hint}`,
  );
  assert.equal(
    await Deno.readTextFile(new URL("client.gen.ts", web)),
    client,
    `web/client.gen.ts is ${hint}`,
  );
});

Deno.test("the manifest lists every island and every routable file", async () => {
  const { routes, client } = await generateManifest();
  for (const island of ["AddToCart", "Cart", "OrderLive", "PayActions"]) {
    assert.match(routes, new RegExp(`${island}: \\$island\\d+`));
    assert.match(client, new RegExp(`${island}: \\(\\) => import\\("./islands/${island}.tsx"\\)`));
  }
  for (
    const file of ["index.tsx", "orders/[id].tsx", "orders/[id]/events.ts", "pay/[sessionId].tsx", "_app.tsx"]
  ) {
    assert.ok(routes.includes(`"${file}":`), file);
  }
});

/**
 * The admin's menu pages against the real services (page requests through the whole app): 86 and
 * back, editing with field errors, a price change that leaves placed orders alone, busy mode moving
 * the customers' pickup estimate, photo uploads checked by the photo store, and `/admin/stock`'s
 * redirect. One system for the whole file (the steps use different items).
 */
import assert from "node:assert/strict";
import { type AdminClient, adminClient, startAdminSystem } from "../../../admin/admin_testing.ts";
import { MAX_UPLOAD_BODY_BYTES } from "../../../admin/upload_form.ts";
import { makePhoto } from "../../../media/media_testing.ts";
import { mediaRoutes } from "../../../media/routes.ts";
import { MAX_PHOTO_BYTES, PhotoStore } from "../../../media/store.ts";
import type { PagesSystem } from "../../../pages_testing.ts";
import { DEFAULT_SHOP, parseHours } from "../../../shop.ts";
import { postJson, proofFor } from "../../../testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function loggedIn(sys: PagesSystem): Promise<AdminClient> {
  const admin = adminClient(sys);
  const res = await admin.login();
  assert.equal(res.status, 303);
  await res.body?.cancel();
  return admin;
}

async function product(sys: PagesSystem, id: string) {
  const res = await sys.request("/api/products");
  const { products } = await res.json() as {
    products: { id: string; available: number; offMenu: boolean; price: { amount: number }; image: string }[];
  };
  return products.find((p) => p.id === id)!;
}

async function order(sys: PagesSystem, customer: string, items: { id: string; quantity: number }[]) {
  return await sys.request(
    `/api/customers/${customer}/orders`,
    postJson({ items }, await proofFor(customer)),
  );
}

function upload(admin: AdminClient, id: string, token: string, file: Blob, name: string): Promise<Response> {
  const form = new FormData();
  form.set("_csrf", token);
  form.set("photo", file, name);
  return admin.fetch(`/admin/menu/${id}/photo`, { method: "POST", body: form });
}

Deno.test("the admin's menu pages: 86, edit, prices, busy mode, photos", opts, async (t) => {
  const sys = await startAdminSystem();
  const mediaDir = await Deno.makeTempDir({ prefix: "menu-media-" });
  const media = new PhotoStore(mediaDir);
  sys.deps.media = media;
  // open around the clock, so pickup times do not depend on when the test runs
  sys.deps.shop = { ...DEFAULT_SHOP, hours: parseHours("Mo-Su 00:00-24:00") };
  try {
    const admin = await loggedIn(sys);
    const token = await admin.csrf("/admin/menu");

    await t.step(
      "/admin/stock redirects (308) to /admin/menu, which lists every item with its controls",
      async () => {
        const old = await admin.fetch("/admin/stock");
        assert.equal(old.status, 308);
        assert.equal(old.headers.get("location"), "/admin/menu");
        const html = await (await admin.fetch("/admin/menu")).text();
        assert.match(html, /<h1>Menu<\/h1>/);
        assert.match(html, /data-testid="stock-row" data-item-id="1"/);
        assert.match(html, /href="\/admin\/menu\/1" data-testid="edit-link">Margherita</);
        assert.match(html, /action="\/admin\/menu\/8\/off-menu"/);
        assert.match(html, /data-testid="busy-mode"/);
        assert.match(html, /€8\.50/);
      },
    );

    await t.step(
      "86 with one tap: the storefront lists it unavailable and orders are refused with 409 naming it",
      async () => {
        const res = await admin.post("/admin/menu/8/off-menu", { _csrf: token, offMenu: "true" });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/admin/menu#item-8");
        const page = await (await admin.fetch("/admin/menu")).text();
        assert.match(page, /Tiramisu is off the menu/);
        assert.match(page, /data-testid="menu-state">Off \(86\)</);
        const p = await product(sys, "8");
        assert.deepEqual([p.offMenu, p.available], [true, 0]);
        const refused = await order(sys, "c-86", [{ id: "8", quantity: 1 }]);
        assert.equal(refused.status, 409);
        const { error } = await refused.json();
        assert.equal(error.code, "item_unavailable");
        assert.equal(error.message, "Tiramisu is not available today. Please remove it from your order.");
        assert.deepEqual(error.items, [{ id: "8", name: "Tiramisu", requested: 1, available: 0 }]);
        const home = await (await sys.browser().get("/")).text();
        assert.match(home, /data-item-id="8" data-off-menu="true"/);
        assert.match(home, /Not available today/);

        const bad = await admin.post("/admin/menu/8/off-menu", { _csrf: token, offMenu: "maybe" });
        assert.equal(bad.status, 422);
        assert.match(
          await bad.text(),
          /offMenu must be &quot;true&quot; or &quot;false&quot;|offMenu must be "true" or "false"/,
        );
        const unknown = await admin.post("/admin/menu/999/off-menu", { _csrf: token, offMenu: "true" });
        assert.equal(unknown.status, 404);
        await unknown.body?.cancel();

        const back = await admin.post("/admin/menu/8/off-menu", { _csrf: token, offMenu: "false" });
        assert.equal(back.status, 303);
        assert.equal((await product(sys, "8")).offMenu, false);
        assert.equal((await order(sys, "c-86", [{ id: "8", quantity: 1 }])).status, 201);
      },
    );

    await t.step(
      "the edit page shows the item's fields and its photo form; an unknown item is 404",
      async () => {
        const res = await admin.fetch("/admin/menu/2");
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(html, /<h1>Edit Marinara<\/h1>/);
        assert.match(html, /name="name"[^>]*value="Marinara"/);
        assert.match(html, /name="price"[^>]*value="7.00"/);
        assert.match(html, /action="\/admin\/menu\/2\/photo" enctype="multipart\/form-data"/);
        assert.match(html, /name="photo" type="file" accept="image\/jpeg,image\/png,image\/webp"/);
        const missing = await admin.fetch("/admin/menu/999");
        assert.equal(missing.status, 404);
        await missing.body?.cancel();
        const post = await admin.post("/admin/menu/999", { _csrf: token, name: "X", price: "1" });
        assert.equal(post.status, 404);
        await post.body?.cancel();
      },
    );

    await t.step("the edit form shows each bad field with why (422) and changes nothing", async () => {
      const before = await product(sys, "2");
      const res = await admin.post("/admin/menu/2", {
        _csrf: token,
        name: "",
        description: "ok",
        price: "free",
        category: "c".repeat(41),
        station: "Wood oven",
      });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.match(html, /Please check the 4 fields marked below/);
      assert.match(
        html,
        /data-testid="error-item-name">Enter the item&#39;s name\.|data-testid="error-item-name">Enter the item's name\./,
      );
      assert.match(
        html,
        /data-testid="error-item-price">Price must be an amount like 8\.50, got &quot;free&quot;|got "free"/,
      );
      assert.match(
        html,
        /id="item-station"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="item-station"/,
      );
      assert.match(html, /value="Wood oven"/, "the values sent are kept");
      assert.deepEqual(await product(sys, "2"), before);
    });

    await t.step(
      "a price change keeps the price of orders already placed; new orders get the new one",
      async () => {
        const placed = await order(sys, "c-price", [{ id: "3", quantity: 2 }]);
        assert.equal(placed.status, 201);
        const first = await placed.json();
        const oldPrice = first.items[0].unitPrice.amount as number;
        const res = await admin.post("/admin/menu/3", {
          _csrf: token,
          name: "Diavola",
          description: "Spicy salami",
          price: "12.40",
          category: "Pizzas",
          station: "oven",
        });
        assert.equal(res.status, 303);
        assert.equal((await product(sys, "3")).price.amount, 1240);
        const again = await sys.request(`/api/customers/c-price/orders/${first.id}`, {
          headers: await proofFor("c-price"),
        });
        const kept = await again.json();
        assert.equal(kept.items[0].unitPrice.amount, oldPrice);
        assert.equal(kept.total.amount, 2 * oldPrice);
        const next = await (await order(sys, "c-price", [{ id: "3", quantity: 2 }])).json();
        assert.equal(next.items[0].unitPrice.amount, 1240);
        assert.equal(next.total.amount, 2480);
        const page = await (await admin.fetch("/admin/menu/3")).text();
        assert.match(page, /Saved Diavola\./);
        assert.match(page, /last changed by admin/);
      },
    );

    await t.step(
      "busy mode raises the earliest pickup customers see, and refuses minutes outside 0..120",
      async () => {
        const customer = sys.browser();
        const before = await (await customer.get("/checkout")).text();
        assert.match(before, /As soon as possible is about 15 minutes from now\./);
        const firstSlot = (html: string) => Date.parse(/<option value="(\d{4}-[^"]+)"/.exec(html)![1]!);
        const set = await admin.post("/admin/menu/busy", { _csrf: token, minutes: "30" });
        assert.equal(set.status, 303);
        const after = await (await customer.get("/checkout")).text();
        assert.match(after, /As soon as possible is about 45 minutes from now\./);
        assert.ok(firstSlot(after) - firstSlot(before) >= 15 * 60_000, "the earliest slot is later");
        const menu = await (await admin.fetch("/admin/menu")).text();
        assert.match(menu, /On: 30 minutes added/);
        for (const minutes of ["121", "-5", "soon"]) {
          const bad = await admin.post("/admin/menu/busy", { _csrf: token, minutes });
          assert.equal(bad.status, 422, minutes);
          assert.match(await bad.text(), /Busy minutes must be/);
        }
        assert.match(await (await customer.get("/checkout")).text(), /about 45 minutes/, "unchanged");
        assert.equal((await admin.post("/admin/menu/busy", { _csrf: token, minutes: "0" })).status, 303);
      },
    );

    await t.step(
      "a real PNG is stored, saved as the item's image, shown on the menu and served",
      async () => {
        const png = await makePhoto("image/png", 64, 48);
        const res = await upload(
          admin,
          "4",
          token,
          new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" }),
          "pizza.png",
        );
        assert.equal(res.status, 303, await res.clone().text());
        const image = (await product(sys, "4")).image;
        assert.match(image, /^\/media\/items\/4\/[0-9a-f]{64}$/);
        const home = await (await sys.browser().get("/")).text();
        assert.ok(home.includes(`src="${image}?w=640"`), "the menu shows the photo");
        const served = await mediaRoutes(media).request(`${image}?w=320`);
        assert.equal(served.status, 200);
        assert.equal(served.headers.get("content-type"), "image/png");
        await served.body?.cancel();
        const jpeg = await makePhoto("image/jpeg", 64, 48);
        const ok = await upload(
          admin,
          "4",
          token,
          new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }),
          "p.jpg",
        );
        assert.equal(ok.status, 303);
        assert.notEqual((await product(sys, "4")).image, image, "a JPEG replaces it");
      },
    );

    await t.step(
      "a text file named .png is refused 415, a photo over 5 MB 413, with the message on the form",
      async () => {
        const before = (await product(sys, "5")).image;
        const text = await upload(
          admin,
          "5",
          token,
          new Blob(["just some text, not a picture"], { type: "image/png" }),
          "x.png",
        );
        assert.equal(text.status, 415);
        const html = await text.text();
        assert.match(
          html,
          /data-testid="error-item-photo-file">The file \(sent as image\/png\) is not a JPEG, PNG or WebP image/,
        );
        const big = new Uint8Array(MAX_PHOTO_BYTES + 200_000);
        big.set(await makePhoto("image/png", 8, 8));
        const large = await upload(admin, "5", token, new Blob([big], { type: "image/png" }), "big.png");
        assert.equal(large.status, 413);
        assert.match(await large.text(), /the limit is 5242880 bytes \(5 MB\)/);
        const none = await upload(admin, "5", token, new Blob([]), "");
        assert.equal(none.status, 400);
        assert.match(await none.text(), /Choose a photo to upload\./);
        // past the route's own body limit (6 MiB), the framework refuses it before any page code; a page
        // form elsewhere keeps the 64 KiB limit
        const huge = await upload(
          admin,
          "5",
          token,
          new Blob([new Uint8Array(MAX_UPLOAD_BODY_BYTES + 1)]),
          "h.png",
        );
        assert.equal(huge.status, 413);
        await huge.body?.cancel();
        const form = await admin.post("/admin/menu/5", {
          _csrf: token,
          name: "x".repeat(70_000),
          price: "1",
        });
        assert.equal(form.status, 413);
        await form.body?.cancel();
        assert.equal((await product(sys, "5")).image, before, "the item keeps its photo");
      },
    );
  } finally {
    media.close();
    await sys.stop();
    await Deno.remove(mediaDir, { recursive: true }).catch(() => {});
  }
});

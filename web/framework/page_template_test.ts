import assert from "node:assert/strict";
import { fillTemplate, makeTemplate, SLOT_VALUE } from "./page_template.ts";

const page = (html: string, status = 200) =>
  Promise.resolve(new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } }));

Deno.test("a template is rendered once with placeholders and filled per visitor, headers kept", async () => {
  let renders = 0;
  const t = await makeTemplate(["id", "token"], (slot) => {
    renders++;
    return page(
      `<p data-id="${slot.id}">${slot.token}</p><script type="application/json">["${slot.id}"]</script>`,
    );
  });
  assert.ok(t);
  const a = fillTemplate(t, { id: "c-AAA", token: "tok_1" })!;
  const b = fillTemplate(t, { id: "c-BBB", token: "tok-2" })!;
  assert.equal(
    await a.text(),
    `<p data-id="c-AAA">tok_1</p><script type="application/json">["c-AAA"]</script>`,
  );
  assert.equal(
    await b.text(),
    `<p data-id="c-BBB">tok-2</p><script type="application/json">["c-BBB"]</script>`,
  );
  assert.equal(b.status, 200);
  assert.equal(b.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(renders, 1);
  assert.match(t.placeholders.id, /^oms-slot-id-[0-9a-f]{32}$/);
  assert.notEqual(t.placeholders.id, t.placeholders.token);
});

Deno.test("a value that would need escaping is refused, so the caller renders the page itself", async () => {
  const t = (await makeTemplate(["id"], (slot) => page(`<a href="/x?c=${slot.id}">`)))!;
  for (const bad of ['"><script>', "a b", "", "é", "a&b", "x".repeat(513)]) {
    assert.equal(SLOT_VALUE.test(bad), false, bad);
    assert.equal(fillTemplate(t, { id: bad }), null, bad);
  }
  assert.equal(fillTemplate(t, { id: undefined }), null);
});

Deno.test("an error page is never kept as a template", async () => {
  assert.equal(await makeTemplate(["id"], () => page("oops", 500)), null);
});

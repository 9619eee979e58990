import assert from "node:assert/strict";
import { decodeProps } from "./serialize.ts";
import { registerIslands } from "./islands.ts";
import { renderPage } from "./render.ts";
import type { LayoutProps, PageProps } from "./types.ts";

function Counter({ start, label }: { start: number; label: string }) {
  return <button type="button">{label}: {start}</button>;
}
function Outer({ at, nested }: { at: Date; nested: { deep: string[] } }) {
  return (
    <div class="outer">
      {at.toISOString()} {nested.deep.join(",")}
      <Counter start={1} label="inner" />
    </div>
  );
}
registerIslands({ Counter: { default: Counter }, Outer: { default: Outer } });

function App({ Component }: LayoutProps) {
  return (
    <html>
      <head>
        <title>t</title>
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
function Layout({ Component, url }: LayoutProps) {
  return (
    <section data-layout={url.pathname}>
      <Component />
    </section>
  );
}
const props = (data: unknown): PageProps<unknown, Record<string, unknown>> => ({
  data,
  params: {},
  url: new URL("http://x.test/p"),
  state: {},
});

function propsOf(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  assert.ok(m, `no props script ${id}`);
  return decodeProps(m[1]!);
}

Deno.test("a page without islands has no script element at all", () => {
  const { html, islands } = renderPage({
    app: App,
    layouts: [Layout],
    page: ({ data }: PageProps<string>) => <p>{data}</p>,
    props: props("</script><script>alert(1)</script>"),
    clientEntry: "/_islands/client-abc.js",
  });
  assert.deepEqual(islands, []);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /^<!DOCTYPE html><html>/);
  assert.match(
    html,
    /<section data-layout="\/p"><p>&lt;\/script>&lt;script>alert\(1\)&lt;\/script><\/p><\/section>/,
  );
});

Deno.test("islands render inside markers with their props in application/json scripts and one boot script", () => {
  const at = new Date("2025-01-02T03:04:05.000Z");
  const evil = "</script><!--\u2028";
  const { html, islands } = renderPage({
    app: App,
    layouts: [],
    page: () => (
      <main>
        <Counter start={5} label={evil} />
        <Outer at={at} nested={{ deep: ["a", "b"] }} />
      </main>
    ),
    props: props(undefined),
    clientEntry: "/_islands/client-abc.js",
  });
  // The inner Counter of Outer is part of Outer's island, not an island of its own.
  assert.deepEqual(islands, ["Counter", "Outer"]);
  assert.match(html, /<oms-island data-island="Counter" data-props="oms-island-0"><button type="button">/);
  assert.match(html, /<oms-island data-island="Outer" data-props="oms-island-1"><div class="outer">/);
  assert.equal(html.match(/<oms-island/g)?.length, 2);
  assert.deepEqual(propsOf(html, "oms-island-0"), { start: 5, label: evil });
  const outer = propsOf(html, "oms-island-1") as { at: Date; nested: { deep: string[] } };
  assert.equal(outer.at.getTime(), at.getTime());
  assert.deepEqual(outer.nested, { deep: ["a", "b"] });
  // Exactly one executable script, external, at the end of the body; nothing inline runs.
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts.filter((s) => !s.includes('type="application/json"')), [
    '<script type="module" src="/_islands/client-abc.js">',
  ]);
  assert.match(html, /<script type="module" src="\/_islands\/client-abc.js"><\/script><\/body><\/html>$/);
  // The dangerous string appears only escaped.
  assert.equal(html.split("</script>").length - 1, scripts.length);
});

Deno.test("an island whose props cannot be sent fails the render, naming the island and prop", () => {
  assert.throws(
    () =>
      renderPage({
        layouts: [],
        page: () => <Counter start={1} label={(() => "x") as unknown as string} />,
        props: props(undefined),
        clientEntry: "/c.js",
      }),
    /Island prop Counter\.props\.label is a function/,
  );
});

Deno.test("rendering islands without a client bundle is an error, not a silently dead page", () => {
  assert.throws(
    () =>
      renderPage({
        layouts: [],
        page: () => <Counter start={1} label="x" />,
        props: props(1),
        clientEntry: null,
      }),
    /renders islands \(Counter\) but no client bundle/,
  );
});

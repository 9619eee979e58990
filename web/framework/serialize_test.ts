import assert from "node:assert/strict";
import { decodeProps, encodeProps, SerializationError } from "./serialize.ts";

const roundTrip = (v: unknown) => decodeProps(encodeProps(v));

Deno.test("encodeProps text cannot close or open markup: </script>, <!--, & and U+2028/2029 are escaped", () => {
  const nasty = {
    close: "</script><script>alert(1)</script>",
    comment: "<!-- <script>",
    amp: "a && b &amp; c",
    lines: "x\u2028y\u2029z",
    quote: `"'\\`,
  };
  const text = encodeProps(nasty);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.doesNotMatch(text, /<\/script/i);
  assert.match(text, /\\u003c\/script\\u003e/i);
  assert.deepEqual(decodeProps(text), nasty);
  // The text is still JSON, and any JSON parser reads the very strings back (plain JSON escapes).
  const strings = (JSON.parse(text) as unknown[]).filter((v) => typeof v === "string");
  assert.deepEqual(new Set(strings), new Set(Object.values(nasty)));
});

Deno.test("dates round-trip as Date objects, including invalid ones", () => {
  const at = new Date("2025-03-04T05:06:07.089Z");
  const back = roundTrip({ at, list: [at], bad: new Date(NaN) }) as { at: Date; list: Date[]; bad: Date };
  assert.ok(back.at instanceof Date);
  assert.equal(back.at.toISOString(), at.toISOString());
  assert.equal(back.list[0]!.getTime(), at.getTime());
  assert.ok(back.bad instanceof Date && Number.isNaN(back.bad.getTime()));
});

Deno.test("nested objects, arrays and special values round-trip", () => {
  const value = {
    order: {
      id: "o-1",
      items: [{ id: "1", qty: 2, tags: ["hot", "</b>"] }],
      total: { amount: 1250, currency: "EUR" },
    },
    empty: {},
    nothing: null,
    missing: undefined,
    sparse: [1, undefined, 3],
    numbers: [0, -1.5, NaN, Infinity, -Infinity],
    big: 12345678901234567890n,
    map: new Map<string, unknown>([["a", { d: new Date(0) }]]),
    set: new Set([1, "two"]),
    url: new URL("https://example.test/a?b=1"),
    bools: [true, false],
  };
  const back = roundTrip(value) as typeof value;
  assert.deepEqual(back, value);
  assert.ok("missing" in back);
});

Deno.test("user data that looks like a tag stays user data", () => {
  const value = { $t: "Date", v: "2020-01-01T00:00:00.000Z", inner: { $t: "undefined" } };
  assert.deepEqual(roundTrip(value), value);
});

Deno.test("a __proto__ key stays data and does not change the prototype", () => {
  const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
  const back = roundTrip(value) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back), ["__proto__", "ok"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("functions, symbols, class instances, JSX and cycles are refused with the prop's path", () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  class Money {
    amount = 1;
  }
  const cases: [unknown, RegExp][] = [
    [{ onClick: () => {} }, /props\.onClick is a function/],
    [{ list: [1, Symbol("x")] }, /props\.list\[1\] is a symbol/],
    [{ m: new Money() }, /props\.m is a Money instance/],
    [{ child: { type: "b", props: {}, constructor: undefined } }, /props\.child is JSX/],
    [cyclic, /props\.self refers back to itself/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => encodeProps(value),
      (err: unknown) => err instanceof SerializationError && message.test(err.message),
    );
  }
});

Deno.test("the same object twice (not a cycle) is not refused, and arrives as one object", () => {
  const shared = { id: 1 };
  const back = roundTrip({ a: shared, b: shared }) as { a: unknown; b: unknown };
  assert.deepEqual(back, { a: { id: 1 }, b: { id: 1 } });
  assert.equal(back.a, back.b);
});

Deno.test("what devalue adds travels too: -0, null-prototype objects, URLSearchParams, RegExp; symbol keys are refused with the path", () => {
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
  const back = roundTrip({ zero: -0, bare, query: new URLSearchParams("a=1&b=2"), re: /x+/gi }) as {
    zero: number;
    bare: Record<string, unknown>;
    query: URLSearchParams;
    re: RegExp;
  };
  assert.ok(Object.is(back.zero, -0));
  assert.equal(Object.getPrototypeOf(back.bare), null);
  assert.equal(back.bare.a, 1);
  assert.equal(back.query.get("b"), "2");
  assert.equal(back.re.source, "x+");
  assert.equal(back.re.flags, "gi");
  assert.throws(
    () => encodeProps({ list: [{ [Symbol("k")]: 1 }] }),
    (err: unknown) => err instanceof SerializationError && /props\.list\[0\]/.test(err.message),
  );
});

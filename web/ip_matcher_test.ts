import assert from "node:assert/strict";
import { ipMatcher, normalizeIp, parseIp } from "./ip_matcher.ts";

Deno.test("parseIp reads IPv4, IPv6 and IPv4-mapped IPv6 (as IPv4); anything else is null", () => {
  assert.deepEqual(parseIp("10.0.0.1"), { family: 4, value: 0x0a000001n });
  assert.deepEqual(parseIp("::ffff:10.0.0.1"), { family: 4, value: 0x0a000001n });
  assert.equal(parseIp("::1")?.family, 6);
  assert.equal(parseIp("[::1]")?.family, 6);
  for (const bad of ["", "unknown", "10.0.0", "10.0.0.256", "zz::1", "1:2:3", "10.0.0.1:80"]) {
    assert.equal(parseIp(bad), null, bad);
  }
});

Deno.test("normalizeIp gives one spelling per address", () => {
  assert.equal(normalizeIp("::ffff:192.168.1.2"), "192.168.1.2");
  assert.equal(normalizeIp(" 192.168.1.2 "), "192.168.1.2");
  assert.equal(normalizeIp("2001:db8:0:0:0:0:0:1"), normalizeIp("2001:db8::1"));
  assert.equal(normalizeIp("nope"), null);
});

Deno.test("ipMatcher matches single addresses and CIDR ranges of both families", () => {
  const m = ipMatcher(["10.1.2.3", "192.168.0.0/16", "fd00::/8", "::ffff:172.16.0.0/108"]);
  assert.equal(m("10.1.2.3"), true);
  assert.equal(m("::ffff:10.1.2.3"), true, "a mapped address matches an IPv4 rule");
  assert.equal(m("10.1.2.4"), false);
  assert.equal(m("192.168.200.7"), true);
  assert.equal(m("192.169.0.1"), false);
  assert.equal(m("fd12::5"), true);
  assert.equal(m("fe80::1"), false);
  assert.equal(m("172.31.255.255"), true, "::ffff:172.16.0.0/108 is 172.16.0.0/12");
  assert.equal(m("172.32.0.0"), false);
  assert.equal(m("not-an-ip"), false);
  assert.equal(ipMatcher([])("127.0.0.1"), false, "no rules trust nobody");
  assert.equal(ipMatcher(["0.0.0.0/0"])("8.8.8.8"), true);
});

Deno.test("ipMatcher refuses a rule that is not an address or range, naming it", () => {
  for (
    const bad of ["proxy.local", "10.0.0.0/33", "10.0.0.0/8/1", "10.0.0.0/x", "::/129", "::ffff:10.0.0.0/64"]
  ) {
    assert.throws(
      () => ipMatcher([bad]),
      (e: unknown) => e instanceof TypeError && e.message.includes(bad),
      bad,
    );
  }
});

import assert from "node:assert/strict";
import { isLoopbackHost, OptionsError, parseOptions } from "./options.ts";

function fails(args: string[], pattern: RegExp) {
  assert.throws(() => parseOptions(args), (err: unknown) => {
    assert.ok(err instanceof OptionsError, `OptionsError, got ${err}`);
    assert.match(err.message, pattern);
    return true;
  });
}

Deno.test("without flags the run targets 127.0.0.1:8080 for 30 s with 8 shoppers and the documented rates", () => {
  assert.deepEqual(parseOptions([]), {
    url: "http://127.0.0.1:8080",
    durationS: 30,
    concurrency: 8,
    cancelRate: 0.1,
    declineRate: 0.05,
    expireRate: 0,
    maxOrders: undefined,
    waitS: 15,
    requestTimeoutS: 10,
    json: false,
    allowRemote: false,
    follow: "stream",
    holdCheck: false,
    help: false,
  });
});

Deno.test("every flag is read, in both --flag value and --flag=value forms", () => {
  const o = parseOptions([
    "--url=http://localhost:9090/",
    "--duration",
    "5",
    "--concurrency=4",
    "--cancel-rate",
    "0.2",
    "--decline-rate=0.1",
    "--expire-rate",
    ".05",
    "--max-orders",
    "100",
    "--wait",
    "3",
    "--request-timeout",
    "2.5",
    "--json",
    "--hold-check",
  ]);
  assert.equal(o.url, "http://localhost:9090");
  assert.equal(o.durationS, 5);
  assert.equal(o.concurrency, 4);
  assert.equal(o.cancelRate, 0.2);
  assert.equal(o.declineRate, 0.1);
  assert.equal(o.expireRate, 0.05);
  assert.equal(o.maxOrders, 100);
  assert.equal(o.waitS, 3);
  assert.equal(o.requestTimeoutS, 2.5);
  assert.equal(o.json, true);
  assert.equal(o.holdCheck, true);
  assert.equal(parseOptions(["-h"]).help, true);
});

Deno.test("an unknown flag, a stray argument or a missing value is refused, pointing to --help", () => {
  fails(["--durration", "5"], /durration.*see --help/);
  fails(["fast"], /fast.*see --help/);
  fails(["--duration"], /duration.*see --help/);
});

Deno.test("numbers out of range or not numbers name the flag, the range and the value", () => {
  fails(["--duration", "abc"], /^--duration must be a number from 0\.1 to 3600, got "abc"$/);
  fails(["--duration", "0"], /--duration must be a number from 0\.1 to 3600, got "0"/);
  fails(["--duration", "7200"], /--duration .* got "7200"/);
  fails(["--concurrency", "0"], /--concurrency must be a whole number from 1 to 256, got "0"/);
  fails(["--concurrency", "2.5"], /--concurrency must be a whole number/);
  fails(["--concurrency=-3"], /--concurrency must be a whole number/);
  fails(["--cancel-rate", "1.5"], /--cancel-rate must be a number from 0 to 1, got "1.5"/);
  fails(["--decline-rate=-0.1"], /--decline-rate must be a number from 0 to 1/);
  fails(["--max-orders", "0"], /--max-orders must be a whole number from 1/);
  fails(["--duration", "1e3"], /--duration must be a number/);
});

Deno.test("rates that add up to more than 1 are refused with their sum", () => {
  fails(["--cancel-rate", "0.6", "--decline-rate", "0.5"], /add up to 1\.1; .* at most 1/);
  assert.equal(
    parseOptions(["--cancel-rate", "0.5", "--decline-rate", "0.3", "--expire-rate", "0.2"]).expireRate,
    0.2,
  );
});

Deno.test("a target that is not this machine is refused with the reason unless --allow-remote is given", () => {
  fails(
    ["--url", "https://shop.example.com"],
    /Refusing to load https:\/\/shop\.example\.com: shop\.example\.com is not this machine .* --allow-remote/,
  );
  fails(["--url", "http://10.0.0.5:8080"], /not this machine/);
  fails(["--url", "http://127.0.0.1.nip.io:8080"], /not this machine/);
  assert.equal(
    parseOptions(["--url", "https://shop.example.com", "--allow-remote"]).url,
    "https://shop.example.com",
  );
});

Deno.test("a malformed URL, another scheme, credentials or a query are refused", () => {
  fails(["--url", "localhost:8080"], /--url must be an http:\/\/ or https:\/\/ URL, got "localhost:8080"/);
  fails(["--url", "ftp://127.0.0.1"], /--url must be an http/);
  fails(["--url", "not a url"], /--url must be an http/);
  fails(["--url", "http://u:p@127.0.0.1:8080"], /without credentials, query or fragment/);
  fails(["--url", "http://127.0.0.1:8080/?x=1"], /without credentials, query or fragment/);
});

Deno.test("loopback means localhost, 127.0.0.0/8 and ::1", () => {
  for (const h of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"]) {
    assert.ok(isLoopbackHost(h), h);
  }
  for (
    const h of [
      "0.0.0.0",
      "128.0.0.1",
      "127.0.0.256",
      "example.com",
      "localhost.example.com",
      "::",
      "10.0.0.1",
    ]
  ) {
    assert.ok(!isLoopbackHost(h), h);
  }
  assert.equal(parseOptions(["--url", "http://[::1]:8080"]).url, "http://[::1]:8080");
});

Deno.test("--follow is stream by default and accepts poll", () => {
  assert.equal(parseOptions([]).follow, "stream");
  assert.equal(parseOptions(["--follow", "stream"]).follow, "stream");
  assert.equal(parseOptions(["--follow", "poll"]).follow, "poll");
  fails(["--follow", "sse"], /--follow must be poll or stream, got "sse"/);
});

Deno.test("--chaos takes the flag file from --flags-file, else the environment's (dev's); --flags-file alone is refused", () => {
  assert.deepEqual(parseOptions(["--chaos", "--flags-file", "/tmp/x/flags.json"]).chaos, {
    flagsFile: "/tmp/x/flags.json",
  });
  const file = parseOptions(["--chaos"]).chaos?.flagsFile ?? "";
  assert.match(file, /flags\.json$/);
  assert.equal(parseOptions([]).chaos, undefined);
  fails(["--flags-file", "/tmp/f.json"], /--flags-file is only used with --chaos/);
});

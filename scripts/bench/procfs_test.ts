import assert from "node:assert/strict";
import {
  findBrokerPid,
  listeningInode,
  parseStatCpuS,
  parseStatusKb,
  parseStatusPeakRssKb,
  procUsage,
} from "./procfs.ts";

Deno.test("parseStatCpuS adds utime and stime (fields 14 and 15), even when the name has spaces and parentheses", () => {
  const stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 5 0 1000 0 0";
  assert.equal(parseStatCpuS(stat, 100), 3);
  assert.equal(parseStatCpuS(stat, 1000), 0.3);
  assert.throws(() => parseStatCpuS("garbage", 100), /Not a \/proc/);
});

Deno.test("parseStatusPeakRssKb reads VmHWM in KiB and 0 when it is absent", () => {
  assert.equal(
    parseStatusPeakRssKb("Name:\tdeno\nVmPeak:\t  900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n"),
    123456,
  );
  assert.equal(parseStatusPeakRssKb("Name:\tkthreadd\n"), 0);
});

Deno.test("listeningInode finds the LISTEN socket of a port and skips connections on it", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1628 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   0        0 111 1",
    "   1: 00000000:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0        0 222 1",
  ].join("\n");
  assert.equal(listeningInode(table, 5672), "222");
  assert.equal(listeningInode(table, 80), undefined);
});

Deno.test("procUsage of this process shows CPU spent and a peak RSS", () => {
  let x = 0;
  for (let i = 0; i < 5e7; i++) x += i % 7;
  const u = procUsage("self");
  assert.ok(x > 0);
  assert.ok(u.cpuS > 0, `cpu ${u.cpuS}`);
  assert.ok(u.peakRssKb > 1000, `rss ${u.peakRssKb}`);
});

Deno.test("findBrokerPid answers a beam.smp pid or nothing, never another process", () => {
  const pid = findBrokerPid(5672);
  if (pid !== undefined) assert.equal(Deno.readTextFileSync(`/proc/${pid}/comm`).trim(), "beam.smp");
});

Deno.test("parseStatusKb reads any kB field of /proc/<pid>/status", () => {
  const status = "VmHWM:\t  200 kB\nVmRSS:\t  150 kB\n";
  assert.equal(parseStatusKb(status, "VmRSS"), 150);
  assert.equal(parseStatusKb(status, "VmSwap"), 0);
});

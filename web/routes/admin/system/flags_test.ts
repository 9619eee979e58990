/**
 * `/admin/system/flags` against the real services and gateway: owners see every flag with its
 * description and value and set them through the file; a refused value changes nothing; managers and
 * kitchen accounts are refused.
 */
import assert from "node:assert/strict";
import { readFlags } from "../../../../services/common/flags/flag_file.ts";
import { FLAGS } from "../../../../services/common/flags/keys.ts";
import { adminClient, staffAccount, startAdminSystem } from "../../../admin/admin_testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "owners see every failure flag and set it through the flag file; a bad value is refused and changes nothing; managers are refused",
  opts,
  async () => {
    const sys = await startAdminSystem();
    const dir = await Deno.makeTempDir();
    const path = `${dir}/flags.json`;
    sys.deps.flagsFile = path;
    try {
      const owner = adminClient(sys);
      assert.equal((await owner.login()).status, 303);
      const page = await (await owner.fetch("/admin/system/flags")).text();
      for (const [key, spec] of Object.entries(FLAGS)) {
        assert.ok(page.includes(`data-flag="${key}"`), `${key} is listed`);
        assert.ok(page.includes(spec.description.replace(/&/g, "&amp;")), `${key}'s description is shown`);
      }
      assert.ok(page.includes(path), "the page names the file");
      const csrf = await owner.csrf("/admin/system/flags");

      let res = await owner.post("/admin/system/flags", {
        _csrf: csrf,
        action: "set",
        flag: "paymentDeclineRate",
        value: "0.3",
      });
      assert.equal(res.status, 303);
      assert.equal((await readFlags(path)).values.paymentDeclineRate, 0.3);
      const after = await (await owner.fetch("/admin/system/flags")).text();
      assert.match(after, /paymentDeclineRate is now 30%/, "the flash says what changed");
      assert.match(after, /data-flag="paymentDeclineRate" data-value="0.3"/);

      res = await owner.post("/admin/system/flags", {
        _csrf: csrf,
        action: "set",
        flag: "stockUnavailable",
        value: "on",
      });
      assert.equal(res.status, 303);
      res = await owner.post("/admin/system/flags", {
        _csrf: csrf,
        action: "set",
        flag: "stockSlowMs",
        value: "-4",
      });
      assert.equal(res.status, 422);
      assert.match(await res.text(), /stockSlowMs is whole milliseconds from 0 to 60000, got &quot;-4&quot;/);
      const kept = (await readFlags(path)).values;
      assert.deepEqual([kept.paymentDeclineRate, kept.stockUnavailable, kept.stockSlowMs], [0.3, true, 0]);

      res = await owner.post("/admin/system/flags", { _csrf: csrf, action: "all-off" });
      assert.equal(res.status, 303);
      const off = (await readFlags(path)).values;
      assert.ok(
        Object.entries(off).every(([k, v]) => v === FLAGS[k as keyof typeof FLAGS].off),
        JSON.stringify(off),
      );

      const manager = await staffAccount(sys, "mia", "manager", owner);
      assert.equal((await manager.fetch("/admin/system/flags")).status, 403);
      const managerCsrf = await manager.csrf();
      res = await manager.post("/admin/system/flags", {
        _csrf: managerCsrf,
        action: "set",
        flag: "stockUnavailable",
        value: "on",
      });
      assert.equal(res.status, 403);
      assert.equal(
        (await readFlags(path)).values.stockUnavailable,
        false,
        "a manager's post changed nothing",
      );
    } finally {
      await sys.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "with an unusable flag file the page shows every value as unknown, not off, and 'Turn every flag off' still works: the bad file is moved aside and a fresh all-off file written",
  opts,
  async () => {
    const sys = await startAdminSystem();
    const dir = await Deno.makeTempDir();
    const path = `${dir}/flags.json`;
    sys.deps.flagsFile = path;
    try {
      await Deno.writeTextFile(path, "{oops");
      const owner = adminClient(sys);
      assert.equal((await owner.login()).status, 303);
      const page = await (await owner.fetch("/admin/system/flags")).text();
      assert.match(page, /data-testid="file-problem"/);
      for (const key of Object.keys(FLAGS)) {
        assert.match(page, new RegExp(`data-flag="${key}" data-value="unknown"`), `${key} is unknown`);
      }
      assert.ok(!/data-testid="flag-value">off</.test(page), "no value claims to be off");

      const csrf = await owner.csrf("/admin/system/flags");
      const res = await owner.post("/admin/system/flags", { _csrf: csrf, action: "all-off" });
      assert.equal(res.status, 303);
      const state = await readFlags(path);
      assert.equal(state.problem, undefined, "a fresh, usable file");
      assert.ok(
        Object.entries(state.values).every(([k, v]) => v === FLAGS[k as keyof typeof FLAGS].off),
        JSON.stringify(state.values),
      );
      const aside = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
        n.startsWith("flags.json.bad-")
      );
      assert.equal(aside.length, 1, "the bad file is kept aside");
      assert.equal(await Deno.readTextFile(`${dir}/${aside[0]}`), "{oops");
      const after = await (await owner.fetch("/admin/system/flags")).text();
      assert.match(after, /Every failure flag is off\. The unusable flag file was moved aside to /);
      assert.match(after, /data-flag="stockSlowMs" data-value="0"/);
    } finally {
      await sys.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

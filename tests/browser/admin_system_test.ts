/**
 * The admin System page in Chromium against the whole system: the owner finds "System" in the
 * navigation and sees each service's health and the live rate / errors / duration charts, which the
 * page's small island refreshes in place; axe-core finds no violations on it; a kitchen account gets
 * the 403 page there and no link to it.
 *
 * Metrics: when the harness gives the processes metrics ports, the page reads the real exporters. When
 * the page says metrics are not enabled (a harness without them), the test starts stand-in exporters
 * (`web/admin/system/testing.ts`) and restarts web pointed at them with `<PROC>_METRICS_ADDR`, so it
 * proves the page either way.
 */
import assert from "node:assert/strict";
import { METRICS_PROCESSES, metricsAddrVar } from "../../services/common/metrics/endpoints.ts";
import { StandInExporter } from "../../web/admin/system/testing.ts";
import { ADMIN_SECTIONS } from "../../web/admin/permissions.ts";
import { AXE_VERSION, axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab, waitForText, waitUntil } from "./browser.ts";
import { staffLogIn, TEST_OWNER } from "./staff_login.ts";

type StandIns = { close(): Promise<void>; env: Record<string, string> };

/** One stand-in exporter per process, with a little traffic now and then. */
function standInExporters(): StandIns {
  const all = METRICS_PROCESSES.map((proc) => {
    const x = new StandInExporter(proc === "web" ? "http" : "rpc");
    x.queueDepth[`oms.${proc}`] = 0;
    return { proc, x, served: x.serve() };
  });
  const traffic = setInterval(() => {
    for (const { x } of all) for (let i = 0; i < 5; i++) x.observe(5 + 20 * Math.random(), 0);
  }, 250);
  return {
    env: Object.fromEntries(all.map((s) => [metricsAddrVar(s.proc), s.served.addr])),
    async close() {
      clearInterval(traffic);
      for (const s of all) await s.served.close();
    },
  };
}

let standIns: StandIns | undefined;
Deno.test.afterAll(async () => await standIns?.close());

const fixture = sharedFixture();

const COOK = { name: "cook-sam", password: "sam-kitchen-pass" };

async function sectionLinks(tab: Tab): Promise<string[]> {
  const hrefs = new Set(
    await tab.page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")),
  );
  return ADMIN_SECTIONS.filter((s) => s.nav && hrefs.has(s.href)).map((s) => s.label);
}

fixture.test(
  `the owner sees health and live charts on the System page (axe-core ${AXE_VERSION}); the kitchen gets 403`,
  async ({ open, sys }) => {
    const started = Date.now();
    const tab = await open();
    tab.allow(/status of 403/);
    await staffLogIn(tab, "/admin", TEST_OWNER);
    assert.ok((await sectionLinks(tab)).includes("System"), "the owner sees the System link");
    await tab.page.getByRole("link", { name: "System", exact: true }).click();
    await tab.page.waitForURL((u) => u.pathname === "/admin/system");
    await waitForText(tab.page.getByRole("heading", { level: 1 }), /^System$/);
    if (await tab.page.getByTestId("metrics-not-enabled").count() > 0) {
      // this harness runs no exporters: web scrapes stand-ins instead
      standIns = standInExporters();
      await tab.page.goto("about:blank"); // no refresh of the page while web restarts
      await sys.procs.web.stop();
      await sys.start("web", standIns.env);
      assert.equal(await tab.goto("/admin/system"), 200);
    }

    // health: the four services serving, as the gateway reaches them, and web
    const health = tab.page.getByTestId("health-row");
    assert.deepEqual(
      await health.evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute("data-service")}:${r.getAttribute("data-status")}`)
      ),
      ["orders:SERVING", "stock:SERVING", "payments:SERVING", "kitchen:SERVING", "web:SERVING"],
    );
    // two charts per process; the island brings in new points without reloading the page
    const enabled = await tab.page.locator('[data-testid="process-metrics"]:not([data-status="off"])')
      .count();
    assert.ok(enabled >= (standIns ? 5 : 1), `${enabled} processes with metrics`);
    assert.equal(await tab.page.getByTestId("line-chart").count(), 2 * enabled);
    await tab.markDocument("system");
    const loads = tab.documents.length;
    await waitForText(tab.page.getByTestId("system-updated"), /^Updated /, 15_000);
    const live = await waitUntil(
      "a live process with a drawn rate line",
      () =>
        tab.page.locator('[data-testid="process-metrics"][data-status="live"] path.line-rate').evaluateAll(
          (ps) => ps.map((p) => Number(p.getAttribute("data-points"))),
        ),
      (points) => points.some((n) => n >= 1),
      15_000,
    );
    assert.ok(live.length >= 1);
    await tab.assertSameDocument("system", loads);
    assert.equal(await tab.page.getByTestId("metrics-not-enabled").count(), 0);
    await tab.screenshot("system-01-owner");
    const violations = await axeViolations(tab.page);
    assert.deepEqual(violations, [], describeViolations("System page", violations));
    await tab.page.setViewportSize(PHONE);
    await tab.assertNoHorizontalScroll();
    await tab.page.setViewportSize(DESKTOP);
    // the owner adds a cook; the cook has no System link and gets 403 there
    await tab.goto("/admin/staff");
    const add = tab.page.getByTestId("add-staff");
    await add.getByLabel("Name").fill(COOK.name);
    await add.getByLabel("Role").selectOption("kitchen");
    await add.getByLabel("Password").fill(COOK.password);
    await add.getByRole("button", { name: "Add account" }).click();
    await waitForText(tab.page.getByTestId("flash"), new RegExp(`Added ${COOK.name}`));
    const cook = await open();
    cook.allow(/status of 403/);
    await staffLogIn(cook, "/admin", COOK);
    assert.ok(!(await sectionLinks(cook)).includes("System"), "no System link for the kitchen");
    assert.equal(await cook.goto("/admin/system"), 403);
    await waitForText(cook.page.getByRole("heading", { level: 1 }), /Not allowed/);
    const exporters = standIns ? "stand-in" : "real";
    console.log(
      `System page browser test: ${Date.now() - started} ms with the system up (${exporters} exporters)`,
    );
  },
);

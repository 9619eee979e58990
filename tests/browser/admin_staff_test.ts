/**
 * Staff accounts in Chromium against the whole system: the first owner signs in with a name and a
 * password, adds a kitchen account on the staff page and signs out; the cook signs in, lands on the
 * kitchen display with only the Kitchen link, and gets the 403 page elsewhere. axe-core finds no
 * violations on the login page, the staff page, the account page and the 403 page.
 */
import assert from "node:assert/strict";
import { AXE_VERSION, axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab, waitForText } from "./browser.ts";
import { staffLogIn, TEST_OWNER } from "./staff_login.ts";
import { ADMIN_SECTIONS } from "../../web/admin/permissions.ts";

const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "false" } });

const COOK = { name: "cook-anna", password: "anna-kitchen-pass" };

/** axe on the page the tab shows, at both widths; the problems, one line each. */
async function audit(tab: Tab, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of [PHONE, DESKTOP]) {
    await tab.page.setViewportSize(size);
    const violations = await axeViolations(tab.page);
    if (violations.length > 0) problems.push(describeViolations(`${name} at ${size.width} px`, violations));
  }
  await tab.page.setViewportSize(DESKTOP);
  return problems;
}

/** The admin sections the page links to (wherever the shell puts its navigation). */
async function sectionLinks(tab: Tab): Promise<string[]> {
  const hrefs = new Set(
    await tab.page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")),
  );
  return ADMIN_SECTIONS.filter((s) => s.nav && hrefs.has(s.href)).map((s) => s.label);
}

fixture.test(
  `the owner adds a kitchen account; the cook signs in to the kitchen display only (axe-core ${AXE_VERSION}: login, staff, account, 403)`,
  async ({ open }) => {
    const tab = await open();
    tab.allow(/status of 401|status of 403|status of 422/);
    const problems: string[] = [];

    assert.equal(await tab.goto("/admin/login"), 200);
    problems.push(...await audit(tab, "login"));
    await tab.screenshot("staff-01-login");
    // a wrong password and an unknown name get the same answer
    for (
      const [name, password] of [[TEST_OWNER.name, "not-the-password"], ["nobody-here", TEST_OWNER.password]]
    ) {
      await tab.page.getByLabel("Name").fill(name!);
      await tab.page.getByLabel("Password").fill(password!);
      await tab.page.getByRole("button", { name: "Log in" }).click();
      await waitForText(tab.page.getByTestId("login-error"), /^Wrong name or password$/);
    }
    problems.push(...await audit(tab, "login with an error"));

    await staffLogIn(tab, "/admin", TEST_OWNER);
    assert.equal(new URL(tab.page.url()).pathname, "/admin");
    assert.ok((await sectionLinks(tab)).includes("Staff"), "the owner sees the Staff link");

    await tab.page.getByRole("link", { name: "Staff", exact: true }).click();
    await tab.page.waitForURL((u) => u.pathname === "/admin/staff");
    problems.push(...await audit(tab, "staff"));
    const add = tab.page.getByTestId("add-staff");
    await add.getByLabel("Name").fill(COOK.name);
    await add.getByLabel("Role").selectOption("kitchen");
    await add.getByLabel("Password").fill(COOK.password);
    await add.getByRole("button", { name: "Add account" }).click();
    await waitForText(tab.page.getByTestId("flash"), new RegExp(`Added ${COOK.name} \\(kitchen\\)`));
    const row = tab.page.locator(`[data-testid="staff-row"][data-name="${COOK.name}"]`);
    assert.equal(await row.getAttribute("data-role"), "kitchen");
    await tab.screenshot("staff-02-added-cook");

    assert.equal(await tab.goto("/admin/account"), 200);
    problems.push(...await audit(tab, "account"));

    await Promise.all([
      tab.page.waitForURL((u) => u.pathname === "/admin/login"),
      tab.page.getByRole("button", { name: "Log out" }).first().click(),
    ]);

    // the cook signs in and lands on the kitchen display, with only the Kitchen link
    await staffLogIn(tab, "/admin", COOK);
    assert.equal(new URL(tab.page.url()).pathname, "/admin/kitchen");
    assert.deepEqual(await sectionLinks(tab), ["Kitchen"], "only the Kitchen link");
    await tab.screenshot("staff-03-cook-kitchen");

    assert.equal(await tab.goto("/admin/staff"), 403);
    await waitForText(tab.page.getByRole("heading", { level: 1 }), /Not allowed/);
    problems.push(...await audit(tab, "403 page"));
    await tab.screenshot("staff-04-cook-403");
    await tab.page.getByRole("link", { name: "Go to your start page" }).click();
    await tab.page.waitForURL((u) => u.pathname === "/admin/kitchen");
    assert.equal(await tab.goto("/admin"), 403, "the orders dashboard is not the kitchen's");

    assert.deepEqual(problems, [], `axe violations:\n${problems.join("\n")}`);
  },
);

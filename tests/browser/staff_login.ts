/**
 * Signing staff in from a browser tab, shared by the admin browser tests: fills the login form (the
 * staff member's name when the form asks for it, and the password) and waits for the page after it.
 *
 * @module
 */
import type { Tab } from "./browser.ts";

/** The first owner the test harness creates (`ADMIN_USER` / `ADMIN_PASSWORD` of `tests/system.ts`). */
export const TEST_OWNER = { name: "admin", password: "test-admin-password" } as const;

/** Who signs in. */
export interface StaffLogin {
  /** The account's name. */
  name: string;
  /** Its password. */
  password: string;
}

/** Signs in on the login page the tab shows (or opens it, to go on to `next`) as `who`. */
export async function staffLogIn(tab: Tab, next = "/admin", who: StaffLogin = TEST_OWNER): Promise<void> {
  if (!new URL(tab.page.url(), tab.baseURL).pathname.startsWith("/admin/login")) {
    await tab.goto(`/admin/login?next=${encodeURIComponent(next)}`);
  }
  const name = tab.page.locator('input[name="name"]');
  if (await name.count() > 0) await name.fill(who.name);
  await tab.page.getByLabel("Password").fill(who.password);
  await Promise.all([
    tab.page.waitForURL((u) => !u.pathname.startsWith("/admin/login")),
    tab.page.getByRole("button", { name: "Log in" }).click(),
  ]);
}

/**
 * axe-core in the browser tests: runs the accessibility engine on the page a tab shows and returns
 * the violations, one line each (rule, impact, where).
 *
 * axe's source is evaluated through the DevTools protocol (as `@axe-core/playwright` does): an inline
 * `<script>` (`page.addScriptTag({ content })`) would be refused by the shop's Content-Security-Policy
 * (`script-src 'self'`), and turning the policy off for the test (`bypassCSP`) would stop the tabs
 * from catching the violations the policy exists to report.
 *
 * @module
 */
import axe from "axe-core";
import type { Page } from "playwright-core";

/** The engine's version, for reports. */
export const AXE_VERSION: string = axe.version;

/** One violation found by axe. */
export interface AxeViolation {
  /** Rule id, e.g. `landmark-unique`. */
  id: string;
  /** minor | moderate | serious | critical. */
  impact: string | null;
  /** What the rule checks. */
  help: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
}

/** Runs axe (every rule axe enables by default, every impact) on `page` and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate("typeof window.axe === 'object'");
  if (!loaded) await page.evaluate(axe.source);
  const json = await page.evaluate(`window.axe.run(document, { resultTypes: ["violations"] })
    .then((r) => JSON.stringify(r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }))))`) as string;
  return JSON.parse(json) as AxeViolation[];
}

/** Violations as readable lines. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  return violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(", ")}`).join(
    "\n",
  );
}

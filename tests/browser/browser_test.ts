/**
 * The browser helper itself: a tab really notices CSP violations, console errors and page errors,
 * so "no problems" in the scenario tests means something.
 */
import assert from "node:assert/strict";
import { browserTest, launchBrowser, openTab } from "./browser.ts";

browserTest("a watched tab records CSP violations, console errors and uncaught errors", async () => {
  const browser = await launchBrowser();
  try {
    const tab = await openTab(browser, "http://localhost:9/");
    // A page served (by interception, nothing listens on port 9) with a CSP like the shop's.
    await tab.page.route("http://localhost:9/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        headers: { "Content-Security-Policy": "script-src 'self'" },
        body: `<!doctype html><p>hi</p><script>console.log("inline ran")</script>`,
      }));
    assert.equal(await tab.goto("/"), 200);
    await tab.page.evaluate(`console.error("boom"); setTimeout(() => { throw new Error("uncaught") }, 0)`);
    await new Promise((r) => setTimeout(r, 300));
    const problems = tab.unexpectedProblems().join("\n");
    assert.match(problems, /CSP violation: script-src/);
    assert.match(problems, /console error: boom/);
    assert.match(problems, /page error: uncaught/);
    await tab.close();
  } finally {
    await browser.close();
  }
});

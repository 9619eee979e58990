/**
 * Shared parts of the real-browser tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), one browser and one running system per test file, a fresh context per
 * customer or admin, capture of console errors, page errors and CSP violations, screenshots kept
 * under `artifacts/screenshots/`, and small waiting helpers (playwright-core has no `expect`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { startSystem, type System, type SystemOptions } from "../system.ts";

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags for a quiet, local-only headless Chromium in a container. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A phone-sized viewport (the narrowest the storefront promises to fit). */
export const PHONE = { width: 375, height: 740 } as const;

/** A desktop viewport. */
export const DESKTOP = { width: 1280, height: 900 } as const;

/** How long a visible outcome may take to appear, in milliseconds. */
export const UI_TIMEOUT_MS = 20_000;

const SCREENSHOTS = new URL("../../artifacts/screenshots/", import.meta.url);

/** Launches headless Chromium from {@linkcode CHROMIUM_PATH}. */
export async function launchBrowser(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install chromium"`);
  }
  return await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Options of {@linkcode openTab}. */
export interface TabOptions {
  /** Viewport; {@linkcode DESKTOP} unless given. */
  viewport?: { width: number; height: number };
  /** False: a browser with JavaScript turned off (every page must still work). */
  javaScript?: boolean;
}

/**
 * One browser context with one page, watched for problems: console errors, uncaught page errors and
 * Content-Security-Policy violations (from the `securitypolicyviolation` DOM event as well as the
 * console). Tabs opened through {@linkcode Fixture.test} are checked with {@linkcode Tab.assertClean}
 * and closed by the fixture.
 */
export class Tab {
  /** Everything that went wrong in the page, one line each. */
  readonly problems: string[] = [];
  /** Every URL the main frame loaded as a new document, in order. */
  readonly documents: string[] = [];
  #allowed: RegExp[] = [];

  /** Wraps a context and its page (see {@linkcode openTab}). */
  constructor(readonly context: BrowserContext, readonly page: Page, readonly baseURL: string) {
    page.on("console", (msg) => {
      if (msg.type() === "error") this.problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (err) => this.problems.push(`page error: ${err.message}`));
    page.on("load", () => this.documents.push(page.url()));
  }

  /** Tolerates console errors matching `pattern` (e.g. the browser's note on an expected 409). */
  allow(pattern: RegExp): void {
    this.#allowed.push(pattern);
  }

  /** The problems not tolerated by {@linkcode allow}. */
  unexpectedProblems(): string[] {
    return this.problems.filter((p) => !this.#allowed.some((a) => a.test(p)));
  }

  /** Asserts that the page had no unexpected console errors, page errors or CSP violations. */
  assertClean(): void {
    const bad = this.unexpectedProblems();
    assert.deepEqual(bad, [], `problems in the browser:\n${bad.join("\n")}`);
  }

  /** Opens `path` on the gateway and waits for the page's load event; returns the status. */
  async goto(path: string): Promise<number> {
    const res = await this.page.goto(new URL(path, this.baseURL).href, { waitUntil: "load" });
    assert.ok(res, `no response for ${path}`);
    return res.status();
  }

  /**
   * Marks the current document (a property on `window`) so that {@linkcode assertSameDocument} can
   * prove later that the page was not reloaded or replaced.
   */
  async markDocument(marker: string): Promise<void> {
    await this.page.evaluate(`window.__omsMarker = ${JSON.stringify(marker)}`);
  }

  /** Asserts that the document marked with `marker` is still the one shown (no reload, no navigation). */
  async assertSameDocument(marker: string, loadsBefore: number): Promise<void> {
    assert.equal(await this.page.evaluate("window.__omsMarker"), marker, "the page was reloaded or replaced");
    assert.equal(this.documents.length, loadsBefore, `documents loaded: ${this.documents.join(", ")}`);
  }

  /** Asserts that the document is no wider than the viewport (no horizontal scrolling). */
  async assertNoHorizontalScroll(): Promise<void> {
    const width = this.page.viewportSize()?.width ?? 0;
    const scrollWidth = await this.page.evaluate("document.scrollingElement.scrollWidth") as number;
    assert.ok(
      scrollWidth <= width,
      `${this.page.url()} scrolls sideways at ${width} px: scrollWidth is ${scrollWidth}`,
    );
  }

  /** Saves a full-page PNG as `artifacts/screenshots/<name>.png`. */
  async screenshot(name: string): Promise<void> {
    await screenshot(this.page, name);
  }

  /** Closes the context (and its page). */
  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Opens a fresh context (its own cookies and storage, i.e. a new customer) with one watched page. */
export async function openTab(browser: Browser, baseURL: string, opts: TabOptions = {}): Promise<Tab> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    baseURL,
    javaScriptEnabled: opts.javaScript ?? true,
  });
  const page = await context.newPage();
  const tab = new Tab(context, page, baseURL);
  await context.exposeBinding("__omsCspViolation", (_source, text: string) => {
    tab.problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => {
    globalThis.__omsCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " on " + location.pathname);
  });`);
  return tab;
}

/** Saves a full-page PNG of `page` as `artifacts/screenshots/<name>.png` (the folder is made if missing). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  const safe = name.replace(/[^a-z0-9_.-]+/gi, "-");
  await page.screenshot({ path: new URL(`${safe}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/**
 * Waits until `read` returns a value that `ok` accepts, polling; fails with `what` and the last value
 * read after `timeoutMs`.
 */
export async function waitUntil<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      error = undefined;
      if (ok(last)) return last;
    } catch (err) {
      error = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}` +
      (error ? `, last error ${(error as Error).message}` : ""),
  );
}

/**
 * Waits until the element `selector` finds has a `type` event listener (through Chromium's DevTools
 * protocol): an island's input is only live once it has hydrated, and what is typed before that never
 * reaches it (under load the islands' scripts can come seconds after the page's load event).
 */
export async function waitForListener(
  page: Page,
  selector: string,
  type: string,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await waitUntil(
      `a ${type} listener on ${selector}`,
      async () => {
        const { result } = await cdp.send("Runtime.evaluate", {
          expression: `document.querySelector(${JSON.stringify(selector)})`,
        });
        if (!result.objectId) return [];
        const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
        await cdp.send("Runtime.releaseObject", { objectId: result.objectId });
        return listeners.map((l) => l.type);
      },
      (types) => types.includes(type),
      timeoutMs,
    );
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Waits until the element's `attribute` equals `value`; returns it. */
export async function waitForAttribute(
  locator: Locator,
  attribute: string,
  value: string,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<string> {
  return (await waitUntil(
    `${attribute}="${value}" on ${locator}`,
    () => locator.getAttribute(attribute, { timeout: 1000 }),
    (v) => v === value,
    timeoutMs,
  ))!;
}

/** Waits until the element's text matches `pattern`; returns the text. */
export async function waitForText(
  locator: Locator,
  pattern: RegExp,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<string> {
  return (await waitUntil(
    `text ${pattern} in ${locator}`,
    () => locator.innerText({ timeout: 1000 }),
    (t) => pattern.test(t),
    timeoutMs,
  ));
}

/** Items of `GET /api/products` by id: what the catalog says is left. */
export async function availableById(sys: System): Promise<Map<string, number>> {
  const res = await sys.api("GET", "/api/products");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const products = res.body.products as { id: string; available: number }[];
  return new Map(products.map((p) => [p.id, p.available]));
}

/** What `GET /api/products` says is left of one item. */
export async function availableOf(sys: System, id: string): Promise<number> {
  const n = (await availableById(sys)).get(id);
  assert.ok(n !== undefined, `item ${id} is in the catalog`);
  return n;
}

/** What a browser test works with. */
export interface Running {
  /** The system. */
  sys: System;
  /** The browser. */
  browser: Browser;
  /**
   * The storefront as customers reach it: the system's `PUBLIC_URL` (`http://localhost:<web port>`),
   * which payment links and redirects point to. Browsing `sys.url` (127.0.0.1) instead would change
   * origin at the pay page and lose the customer cookie.
   */
  url: string;
}

/** What a test registered with {@linkcode Fixture.test} receives. */
export interface TestContext extends Running {
  /** Opens a watched tab (a fresh context: a new customer or staff member) on the storefront. */
  open(opts?: TabOptions): Promise<Tab>;
}

/** One browser and one system shared by the tests of a file, started on first use. */
export interface Fixture {
  /** The running system and the browser (started by the first caller). */
  get(): Promise<Running>;
  /**
   * Registers a browser test. The tabs it opens are closed afterwards; if it passed, each must be
   * clean (no console errors, page errors or CSP violations); if it failed, every open tab is
   * screenshotted as `failed-<n>-<tab>.png` and the tabs' problems are added to the error.
   */
  test(name: string, fn: (t: TestContext) => Promise<void>): void;
}

let failures = 0;

/**
 * Makes the file's shared browser and system (with `opts`), started lazily by the first test that
 * needs them and stopped by `Deno.test.afterAll`.
 */
export function sharedFixture(opts: SystemOptions = {}): Fixture {
  let started: Promise<Running> | undefined;
  Deno.test.afterAll(async () => {
    if (!started) return;
    const res = await started.catch(() => undefined);
    if (!res) return;
    await res.browser.close().catch(() => {});
    await res.sys.stop();
  });
  const fixture: Fixture = {
    test(name, fn) {
      browserTest(name, async () => {
        const running = await fixture.get();
        const tabs: Tab[] = [];
        const open = async (opts?: TabOptions) => {
          const tab = await openTab(running.browser, running.url, opts);
          tabs.push(tab);
          return tab;
        };
        try {
          await fn({ ...running, open });
        } catch (err) {
          const n = ++failures;
          for (const [i, tab] of tabs.entries()) {
            await screenshot(tab.page, `failed-${n}-${i}`).catch(() => {});
          }
          const problems = tabs.flatMap((t) => t.unexpectedProblems());
          if (err instanceof Error && problems.length > 0) {
            err.message += `\nproblems in the browser:\n${problems.join("\n")}`;
          }
          throw err;
        } finally {
          await Promise.all(tabs.map((t) => t.close().catch(() => {})));
        }
        for (const tab of tabs) tab.assertClean();
      });
    },
    get() {
      started ??= (async () => {
        const [sys, browser] = await Promise.allSettled([startSystem(opts), launchBrowser()]);
        if (sys.status === "rejected" || browser.status === "rejected") {
          if (sys.status === "fulfilled") await sys.value.stop();
          if (browser.status === "fulfilled") await browser.value.close();
          throw sys.status === "rejected" ? sys.reason : (browser as PromiseRejectedResult).reason;
        }
        return { sys: sys.value, browser: browser.value, url: `http://localhost:${sys.value.ports.web}` };
      })();
      return started;
    },
  };
  return fixture;
}

/**
 * Registers a browser test. Sanitizers are off: the browser and the system outlive one test and keep
 * pipes and sockets open by design; each test closes its own contexts.
 */
export function browserTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false, sanitizeExit: true, fn });
}

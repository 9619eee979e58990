/**
 * Server rendering of one page: `_app` around the layouts around the page, rendered to a string with
 * Preact (which escapes all text and attribute values), then the islands' props scripts and the one
 * module script that boots them are put before `</body>`. A page that rendered no island gets no
 * script element at all.
 *
 * @module
 */
import { type ComponentType, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { CollectorContext, IslandCollector } from "./islands.ts";
import type { PageProps } from "./types.ts";

/** What to render. */
export interface RenderInput {
  /** The `_app` component (the document), if any. */
  // deno-lint-ignore no-explicit-any
  app?: ComponentType<any> | undefined;
  /** Layouts, outermost first. */
  // deno-lint-ignore no-explicit-any
  layouts: ComponentType<any>[];
  /** The page component. */
  // deno-lint-ignore no-explicit-any
  page: ComponentType<any>;
  /** Props of the page (also given to the app and layouts). */
  props: PageProps<unknown, Record<string, unknown>>;
  /** URL of the client entry script, or null when there is no client bundle. */
  clientEntry: string | null;
}

/** The rendered document and the islands it holds. */
export interface RenderResult {
  /** Full HTML text, starting with `<!DOCTYPE html>`. */
  html: string;
  /** Names of the islands on the page, in document order. */
  islands: string[];
}

/** Escapes text for an HTML attribute value. */
function attr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** Renders a page as described in the module doc. */
export function renderPage(input: RenderInput): RenderResult {
  const { props } = input;
  type Inner = ComponentType<Record<string, never>>;
  let inner: Inner = () => h(input.page, props);
  for (const layout of [...input.layouts].reverse()) {
    const content: Inner = inner;
    inner = (): VNode => h(layout, { ...props, Component: content });
  }
  const root: VNode = input.app ? h(input.app, { ...props, Component: inner }) : h(inner, {});
  const collector = new IslandCollector();
  const body = renderToString(h(CollectorContext.Provider, { value: collector }, root));
  let html = body.startsWith("<html") ? `<!DOCTYPE html>${body}` : body;
  if (collector.islands.length > 0) {
    if (!input.clientEntry) {
      throw new Error(
        `Page renders islands (${
          collector.islands.map((i) => i.name).join(", ")
        }) but no client bundle was built`,
      );
    }
    const scripts = collector.propsScripts() +
      `<script type="module" src="${attr(input.clientEntry)}"></script>`;
    const at = html.lastIndexOf("</body>");
    html = at === -1 ? html + scripts : html.slice(0, at) + scripts + html.slice(at);
  }
  return { html, islands: collector.islands.map((i) => i.name) };
}

/**
 * The islands runtime in the browser (bundled from `web/client.gen.ts`): finds every `<oms-island>`
 * marker the server rendered, reads its props from the `<script type="application/json">` it points
 * to, loads the island's chunk and hydrates it in place. An island that fails to load or hydrate is
 * reported on the console and left as server-rendered HTML; the others still hydrate.
 *
 * @module
 */
/// <reference lib="dom" />
import { type ComponentType, h, hydrate } from "preact";
import { decodeProps } from "./serialize.ts";

/** Lazy loaders of island modules by island name. */
// deno-lint-ignore no-explicit-any
export type IslandLoaders = Record<string, () => Promise<{ default: ComponentType<any> }>>;

/** Hydrates every island marker under `root` (the document by default). */
export async function boot(loaders: IslandLoaders, root: ParentNode = document): Promise<void> {
  const markers = [...root.querySelectorAll<HTMLElement>("oms-island")];
  await Promise.all(markers.map(async (el) => {
    const name = el.dataset.island ?? "";
    try {
      const load = loaders[name];
      if (!load) throw new Error(`Unknown island "${name}"`);
      const script = document.getElementById(el.dataset.props ?? "");
      const props = script ? decodeProps(script.textContent ?? "null") : {};
      const mod = await load();
      hydrate(h(mod.default, props as Record<string, unknown>), el);
    } catch (err) {
      console.error(`Island "${name}" could not start`, err);
    }
  }));
}

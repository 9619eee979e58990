/**
 * Islands on the server. Registered island components are swapped, as their vnodes are created, for a
 * wrapper that renders the island inside a marker and records its props for the browser:
 *
 * ```html
 * <oms-island data-island="Cart" data-props="oms-island-0">...server-rendered island...</oms-island>
 * ...
 * <script type="application/json" id="oms-island-0">{"customerId":"c-..."}</script>
 * ```
 *
 * The browser runtime (`client.ts`) finds each marker, decodes its props and hydrates the island into
 * it. An island rendered inside another island is part of its parent and gets no marker of its own.
 * `oms-island` is styled `display: contents`, so the marker does not change the layout.
 *
 * @module
 */
import { type ComponentChild, type ComponentType, createContext, h, options, type VNode } from "preact";
import { useContext } from "preact/hooks";
import { encodeProps } from "./serialize.ts";

/** The element name of island markers. */
export const ISLAND_TAG = "oms-island";

/** One island rendered on a page. */
export interface RenderedIsland {
  /** Marker id, also the id of its props script. */
  id: string;
  /** Island name (its file name in `islands/`). */
  name: string;
  /** Props as escaped JSON text (see `serialize.ts`). */
  json: string;
}

/** Collects the islands of one render. */
export class IslandCollector {
  /** Islands in document order. */
  readonly islands: RenderedIsland[] = [];

  /** Records an island and returns its marker id; throws when its props cannot be serialized. */
  add(name: string, props: Record<string, unknown>): string {
    const id = `oms-island-${this.islands.length}`;
    this.islands.push({ id, name, json: encodeProps(props, `${name}.props`) });
    return id;
  }

  /** The `<script type="application/json">` elements holding every island's props. */
  propsScripts(): string {
    return this.islands.map((i) => `<script type="application/json" id="${i.id}">${i.json}</script>`)
      .join("");
  }
}

/** Provides the collector of the current render. */
export const CollectorContext = createContext<IslandCollector | null>(null);
const InsideIsland = createContext(false);

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;
const registry = new Map<AnyComponent, string>();
let bypass = false;

interface WrapperProps {
  name: string;
  component: AnyComponent;
  props: Record<string, unknown>;
}

function IslandWrapper({ name, component, props }: WrapperProps): ComponentChild {
  const inside = useContext(InsideIsland);
  const collector = useContext(CollectorContext);
  bypass = true;
  let inner: VNode;
  try {
    inner = h(component, props);
  } finally {
    bypass = false;
  }
  if (inside || !collector) return inner;
  const id = collector.add(name, props);
  return h(
    InsideIsland.Provider,
    { value: true },
    h(ISLAND_TAG, { "data-island": name, "data-props": id }, inner),
  );
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const previous = options.vnode;
  options.vnode = (vnode) => {
    const name = !bypass && typeof vnode.type === "function" ? registry.get(vnode.type) : undefined;
    if (name !== undefined) {
      const { key: _key, ref: _ref, ...props } = vnode.props as Record<string, unknown>;
      const wrapperProps: WrapperProps = { name, component: vnode.type as AnyComponent, props };
      (vnode as { type: unknown }).type = IslandWrapper;
      (vnode as { props: unknown }).props = wrapperProps;
    }
    previous?.(vnode);
  };
}

/** Marks the default exports of `islands` as islands (by name); idempotent. */
export function registerIslands(islands: Record<string, { default: AnyComponent }>): void {
  install();
  for (const [name, mod] of Object.entries(islands)) {
    const known = registry.get(mod.default);
    if (known !== undefined && known !== name) {
      throw new Error(`Island component registered twice, as "${known}" and "${name}"`);
    }
    registry.set(mod.default, name);
  }
}

/** The island name of `component`, if it is one. */
export function islandName(component: unknown): string | undefined {
  return registry.get(component as AnyComponent);
}

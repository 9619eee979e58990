/**
 * Reading a V8 `.cpuprofile` (the `Profiler.stop` result): self time per sampled node, aggregated by
 * function (name + url:line) and by module (an npm package, an OMS folder, a Deno extension, Deno KV, or
 * V8's own `(program)`, `(idle)` and `(garbage collector)`), each with its share of the samples.
 *
 * @module
 */

/** Where a profile node's code is. */
export interface CallFrame {
  /** The function's name ("" for an anonymous one; "(program)", "(idle)", ... for V8's own). */
  functionName: string;
  /** The script's URL ("" for native code). */
  url: string;
  /** 0-based line. */
  lineNumber: number;
  /** 0-based column. */
  columnNumber: number;
  /** V8's script id. */
  scriptId?: string;
}

/** One node of the profile's call tree. */
export interface ProfileNode {
  /** The node's id (what `samples` refer to). */
  id: number;
  /** Where its code is. */
  callFrame: CallFrame;
  /** Samples whose top frame was this node. */
  hitCount?: number;
  /** Ids of the nodes it called. */
  children?: number[];
}

/** A V8 CPU profile, as `Profiler.stop` returns it and `.cpuprofile` files hold it. */
export interface CpuProfile {
  /** The call tree. */
  nodes: ProfileNode[];
  /** Start, in microseconds. */
  startTime: number;
  /** End, in microseconds. */
  endTime: number;
  /** The top node of each sample, in order. */
  samples?: number[];
  /** Microseconds from the previous sample (the first: from `startTime`) to each sample. */
  timeDeltas?: number[];
}

/** V8's pseudo-functions: not JS of any script. */
export const V8_PSEUDO = ["(program)", "(idle)", "(garbage collector)", "(root)"] as const;

/** One row of an aggregation. */
export interface ProfileRow {
  /** The function (`name url:line`) or module. */
  key: string;
  /** Self time in microseconds. */
  selfUs: number;
  /** Share of every sample (0..1). */
  share: number;
  /** Share of the samples that are not `(idle)` (0..1). */
  busyShare: number;
}

/** Totals of a profile. */
export interface ProfileTotals {
  /** Every sample's time, microseconds. */
  totalUs: number;
  /** `(idle)` time. */
  idleUs: number;
  /** Time not `(idle)`. */
  busyUs: number;
  /** `(program)`: native work outside JS (Deno's Rust side, the event loop, I/O). */
  programUs: number;
  /** `(garbage collector)`. */
  gcUs: number;
}

/** Self microseconds per node id: each sample lasts until the next one (the last until `endTime`). */
export function selfTimeByNode(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length === 0) {
    // no timeline: hit counts at an even share of the profile's duration
    const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const each = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const node of profile.nodes) if (node.hitCount) self.set(node.id, node.hitCount * each);
    return self;
  }
  const times: number[] = [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) times.push(t += deltas[i] ?? 0);
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? times[i + 1]! : Math.max(profile.endTime, times[i]!);
    const id = samples[i]!;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, next - times[i]!));
  }
  return self;
}

/** The path of `url` relative to `rootUrl` (a `file://` folder ending in "/"), or undefined outside it. */
function ownPath(url: string, rootUrl: string): string | undefined {
  return url.startsWith(rootUrl) ? url.slice(rootUrl.length) : undefined;
}

/** `npm:<package>` and the file in it, when `url` is in Deno's npm cache or a node_modules folder. */
export function npmPackage(url: string): { pkg: string; file: string } | undefined {
  const m = url.match(/\/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\/[^/]+\/(.*)$/) ??
    url.match(/\/node_modules\/(?:\.deno\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  return m ? { pkg: m[1]!, file: m[2]! } : undefined;
}

/** A short form of `url`: relative for OMS files, `npm:<pkg>/<file>` for packages, else as is. */
export function shortUrl(url: string, rootUrl: string): string {
  const own = ownPath(url, rootUrl);
  if (own !== undefined) return own;
  const npm = npmPackage(url);
  return npm ? `npm:${npm.pkg}/${npm.file}` : url;
}

/** True for V8's pseudo-functions (`(program)`, `(idle)`, ...). */
function isPseudo(frame: CallFrame): boolean {
  return !frame.url && (V8_PSEUDO as readonly string[]).includes(frame.functionName);
}

/**
 * The function key of `frame`: `name url:line`; V8's pseudo-functions by name alone; native code (no
 * script) as `name (native)`, followed by `< caller url:line` when its nearest caller with a script is known.
 */
export function functionKey(frame: CallFrame, rootUrl: string, caller?: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  if (isPseudo(frame)) return name;
  if (!frame.url) return caller ? `${name} (native) < ${functionKey(caller, rootUrl)}` : `${name} (native)`;
  return `${name} ${shortUrl(frame.url, rootUrl)}:${frame.lineNumber + 1}`;
}

/**
 * The module of `frame`: `npm:<package>`, `oms:<folder>` for OMS's own files, `Deno KV` (ext:deno_kv and
 * `op_kv_*`), `node: compat` (ext:deno_node, node:), `ext:<extension>` for other Deno internals, or V8's
 * pseudo-function itself. Native code (no script: Deno ops, node compat's native bindings, WebCrypto)
 * counts for the module of its nearest `caller` with a script; without one it is `Deno ops (native)` or
 * `(native)`.
 */
export function moduleKey(frame: CallFrame, rootUrl: string, caller?: CallFrame): string {
  const { functionName: name, url } = frame;
  if (isPseudo(frame)) return name;
  if (name.startsWith("op_kv") || url.startsWith("ext:deno_kv")) return "Deno KV (ext:deno_kv, op_kv_*)";
  if (!url && caller) return moduleKey(caller, rootUrl);
  if (url.startsWith("ext:deno_node") || url.startsWith("node:")) return "node: compat (ext:deno_node)";
  if (!url) return name.startsWith("op_") ? "Deno ops (native)" : "(native)";
  const npm = npmPackage(url);
  if (npm) return `npm:${npm.pkg}`;
  const own = ownPath(url, rootUrl);
  if (own !== undefined) {
    const slash = own.lastIndexOf("/");
    return `oms:${slash < 0 ? "." : own.slice(0, slash)}`;
  }
  if (url.startsWith("ext:")) return url.slice(0, url.indexOf("/") < 0 ? undefined : url.indexOf("/"));
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The totals of `profile`. */
export function profileTotals(profile: CpuProfile, self = selfTimeByNode(profile)): ProfileTotals {
  const byName = (name: string) =>
    profile.nodes.filter((n) => !n.callFrame.url && n.callFrame.functionName === name)
      .reduce((us, n) => us + (self.get(n.id) ?? 0), 0);
  let totalUs = 0;
  for (const us of self.values()) totalUs += us;
  const idleUs = byName("(idle)");
  return {
    totalUs,
    idleUs,
    busyUs: totalUs - idleUs,
    programUs: byName("(program)"),
    gcUs: byName("(garbage collector)"),
  };
}

/**
 * Per node id of native code (no script, not V8's own), the frame of its nearest ancestor with a script,
 * passing over Deno's op plumbing in `ext:core/` (`async_op_4`, `print`, ...), which says nothing of who
 * asked for the op.
 */
export function scriptCallers(profile: CpuProfile): Map<number, CallFrame> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const callers = new Map<number, CallFrame>();
  for (const node of profile.nodes) {
    if (node.callFrame.url || isPseudo(node.callFrame)) continue;
    for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (frame?.url && !frame.url.startsWith("ext:core/")) {
        callers.set(node.id, frame);
        break;
      }
    }
  }
  return callers;
}

/**
 * Self time of `profile` aggregated by `keyOf` (given each node's frame and, for native code, its nearest
 * caller with a script), largest first, the first `limit` rows.
 */
export function aggregate(
  profile: CpuProfile,
  keyOf: (frame: CallFrame, caller?: CallFrame) => string,
  limit = Infinity,
  self = selfTimeByNode(profile),
): ProfileRow[] {
  const totals = profileTotals(profile, self);
  const callers = scriptCallers(profile);
  const sums = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id);
    if (!us) continue;
    const key = keyOf(node.callFrame, callers.get(node.id));
    sums.set(key, (sums.get(key) ?? 0) + us);
  }
  return [...sums].map(([key, selfUs]) => ({
    key,
    selfUs,
    share: totals.totalUs > 0 ? selfUs / totals.totalUs : 0,
    busyShare: totals.busyUs > 0 && key !== "(idle)" ? selfUs / totals.busyUs : 0,
  })).sort((a, b) => b.selfUs - a.selfUs || a.key.localeCompare(b.key)).slice(0, limit);
}

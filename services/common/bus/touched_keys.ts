/**
 * The KV keys one piece of work touched: what it read (single keys, listed prefixes, or an arbitrary
 * range) and what it wrote. Two pieces of work whose touched keys overlap, where at least one side
 * writes, may depend on each other ({@linkcode TouchedKeys.overlaps}). For a batch, what matters is one
 * direction ({@linkcode TouchedKeys.writesReadBy}): a later piece that read, checked or listed a key an
 * earlier one wrote read its state before that write, and applying both blindly would lose an update;
 * the batching consumer splits its batch there. Mutations of one commit apply in order and its checks
 * see the state before it, so a later piece that only writes what an earlier one read or wrote (two
 * `sum`s of one counter, say) applies exactly as it would in a commit of its own after the earlier one.
 *
 * Keys are noted as strings ({@linkcode keyId}) on every read and write of a handler, so that string is
 * built cheaply: no JSON, no escaping (a string part carries its length), one concatenation per part.
 *
 * @module
 */

/** Between two parts of a key id. */
const SEP = "\u0000";

/**
 * A key as a string that is equal exactly for equal keys, and whose prefixes are its part-prefixes: the
 * id of a prefix `p` of `key` is `keyId(key)` itself or starts with `keyId(p) + "\u0000"`, and no
 * other key's id does (each part's text ends where the next separator starts, or, for a string part,
 * after the length it states).
 */
export function keyId(key: Deno.KvKey): string {
  let id = "";
  for (let i = 0; i < key.length; i++) id = i === 0 ? partId(key[0]!) : id + SEP + partId(key[i]!);
  return id;
}

function partId(part: Deno.KvKeyPart): string {
  switch (typeof part) {
    case "string":
      return "s" + part.length + ":" + part; // the length says where it ends, whatever it holds
    case "number":
      return "n" + (part === 0 ? 0 : part); // -0 and 0 are one key in Deno KV
    case "bigint":
      return "b" + part;
    case "boolean":
      return part ? "t" : "f";
    case "symbol": {
      const d = String(part.description);
      return "y" + d.length + ":" + d;
    }
    default: {
      let hex = "u";
      for (let i = 0; i < part.length; i++) hex += HEX[part[i]!];
      return hex;
    }
  }
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/** Keys read and written by one handler run, or by a whole batch (see {@linkcode TouchedKeys.addAll}). */
export class TouchedKeys {
  readonly #reads = new Set<string>();
  readonly #writes = new Set<string>();
  readonly #readPrefixes = new Set<string>();
  #readsAll = false;

  /** Notes a read (or a versionstamp check) of `key`. */
  read(key: Deno.KvKey): void {
    this.#reads.add(keyId(key));
  }

  /** Notes a listing of every key under `prefix`. */
  readPrefix(prefix: Deno.KvKey): void {
    this.#readPrefixes.add(keyId(prefix));
  }

  /** Notes a read that cannot be narrowed to a prefix (a `start`/`end` range): it overlaps any write. */
  readEverything(): void {
    this.#readsAll = true;
  }

  /** Notes a mutation of `key`. */
  write(key: Deno.KvKey): void {
    this.#writes.add(keyId(key));
  }

  /** True when nothing was written. */
  get readOnly(): boolean {
    return this.#writes.size === 0;
  }

  /**
   * True when this work and `other` cannot be applied in one commit: one writes a key the other read,
   * checked, listed or wrote.
   */
  overlaps(other: TouchedKeys): boolean {
    return this.#against(other) || other.#against(this);
  }

  /**
   * True when `later` read, checked or listed a key this work wrote: run before this work's writes were
   * committed, it saw stale state, so it cannot follow this work in one commit (nor be applied after it
   * without running again).
   */
  writesReadBy(later: TouchedKeys): boolean {
    if (this.#writes.size === 0) return false;
    return later.#readsAll || intersects(this.#writes, later.#reads) || this.#wroteUnder(later.#readPrefixes);
  }

  /** Whether what this side wrote meets what `other` read or wrote. */
  #against(other: TouchedKeys): boolean {
    if (this.#writes.size === 0) return false;
    return other.#readsAll ||
      intersects(this.#writes, other.#reads) ||
      intersects(this.#writes, other.#writes) ||
      this.#wroteUnder(other.#readPrefixes);
  }

  /** Whether a written key is one of `prefixes` or lies under one (listings are rare: a plain scan). */
  #wroteUnder(prefixes: ReadonlySet<string>): boolean {
    for (const p of prefixes) {
      if (p === "") return true; // the empty prefix lists everything
      const under = p + SEP;
      for (const w of this.#writes) if (w === p || w.startsWith(under)) return true;
    }
    return false;
  }

  /** Adds everything `other` touched to this set (a batch accumulating its members). */
  addAll(other: TouchedKeys): void {
    for (const x of other.#reads) this.#reads.add(x);
    for (const x of other.#writes) this.#writes.add(x);
    for (const x of other.#readPrefixes) this.#readPrefixes.add(x);
    this.#readsAll ||= other.#readsAll;
  }
}

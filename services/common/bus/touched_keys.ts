/**
 * The KV keys one piece of work touched: what it read (single keys, listed prefixes, or an arbitrary
 * range) and what it wrote. Two pieces of work whose touched keys overlap, where at least one side
 * writes, cannot share one atomic commit: the second read its state before the first one's writes, and
 * applying both blindly would lose an update. The batching consumer splits its batch there.
 *
 * @module
 */

/** A key as a string that is equal exactly for equal keys, and whose prefixes are its part-prefixes. */
export function keyId(key: Deno.KvKey): string {
  return key.map(partId).join("\u0000");
}

function partId(part: Deno.KvKeyPart): string {
  switch (typeof part) {
    case "string":
      return `s${JSON.stringify(part)}`; // escapes U+0000, so the separator stays unambiguous
    case "number":
      return `n${Object.is(part, -0) ? 0 : part}`;
    case "bigint":
      return `b${part}`;
    case "boolean":
      return part ? "t" : "f";
    case "symbol":
      return `y${String(part.description)}`;
    default:
      return `u${Array.from(part, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
}

/** The ids of every prefix of `key`: `[]`, `[a]`, `[a, b]`, ..., the key itself. */
function prefixIds(key: Deno.KvKey): string[] {
  const ids = [""];
  let id = "";
  for (let i = 0; i < key.length; i++) {
    id = i === 0 ? partId(key[i]!) : `${id}\u0000${partId(key[i]!)}`;
    ids.push(id);
  }
  return ids;
}

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
  /** Every prefix of every written key (the key included), to test against listed prefixes. */
  readonly #writePrefixes = new Set<string>();
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
    for (const id of prefixIds(key)) this.#writePrefixes.add(id);
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

  /** Whether what this side wrote meets what `other` read or wrote. */
  #against(other: TouchedKeys): boolean {
    if (this.#writes.size === 0) return false;
    return other.#readsAll ||
      intersects(this.#writes, other.#reads) ||
      intersects(this.#writes, other.#writes) ||
      intersects(this.#writePrefixes, other.#readPrefixes);
  }

  /** Adds everything `other` touched to this set (a batch accumulating its members). */
  addAll(other: TouchedKeys): void {
    for (const x of other.#reads) this.#reads.add(x);
    for (const x of other.#writes) this.#writes.add(x);
    for (const x of other.#readPrefixes) this.#readPrefixes.add(x);
    for (const x of other.#writePrefixes) this.#writePrefixes.add(x);
    this.#readsAll ||= other.#readsAll;
  }
}

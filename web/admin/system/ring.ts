/**
 * A fixed-size ring buffer: the newest `capacity` items, oldest first. The System page keeps one per
 * process (the last minutes of scrapes).
 *
 * @module
 */

/** The newest `capacity` items pushed. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  /** An empty ring holding at most `capacity` (>= 1) items. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A ring holds at least 1 item, got capacity ${capacity}`);
    }
    this.#items = new Array(capacity);
  }

  /** How many items it holds. */
  get length(): number {
    return this.#size;
  }

  /** Adds `item`, dropping the oldest when full. */
  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
  }

  /** The items, oldest first. */
  toArray(): T[] {
    return Array.from({ length: this.#size }, (_, i) => this.#items[(this.#start + i) % this.capacity]!);
  }

  /** Forgets every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
  }
}

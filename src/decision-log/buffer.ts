/**
 * A fixed-capacity FIFO (a ring): `push` is O(1) and never grows memory, so a sink that stalls
 * costs at most `capacity` records; past that, pushes are refused and the caller counts a drop.
 */
export class BoundedBuffer<T> {
  readonly #items: Array<T | undefined>;
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds at the tail; false (nothing kept) when full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return true;
  }

  /** Removes and returns up to `max` items from the head, oldest first. */
  take(max: number): T[] {
    const count = Math.min(max, this.#size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#size -= count;
    return out;
  }
}

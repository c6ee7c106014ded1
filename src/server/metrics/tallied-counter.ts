/**
 * A prom-client Counter whose `labels()` children count in a plain number and hand the sum to
 * prom-client whenever the counter is read (its collect hook runs before every scrape and
 * `get()`), so every read sees every increment. A prom-client child validates and hashes its
 * labels again on every `inc()`: for a child kept across requests (the request log keeps one
 * per route, status and outcome) that was most of the cost of the request's metrics. Anything
 * else (`inc(labels)`, `inc(labels, n)`, `child.inc(n)`) is prom-client's own.
 */
import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/** Label sets with a tallied child at most; past that, `labels()` returns prom-client's own child. */
const MAX_SETS = 1000;

interface Series<L extends string> {
  labels: LabelValues<L>;
  /** Increments not handed to prom-client yet. */
  n: number;
  /** The epoch in which the series exists in prom-client (a reset or removal starts a new one). */
  epoch: number;
}

export class TalliedCounter<L extends string = string> extends Counter<L> {
  readonly #series = new Map<string, Series<L>>();
  #epoch = 0;

  constructor(configuration: Omit<CounterConfiguration<L>, 'enableExemplars'>) {
    const own = configuration.collect;
    super({
      ...configuration,
      collect(this: Counter<L>) {
        (this as TalliedCounter<L>).flush();
        return own?.call(this);
      },
    });
  }

  /** Hands the children's increments to prom-client (collect does, before every read). */
  flush(): void {
    // A new epoch zeroes every count: what is counted belongs to a series prom-client has.
    for (const series of this.#series.values()) {
      if (series.n === 0) continue;
      const n = series.n;
      series.n = 0;
      this.inc(series.labels, n);
    }
  }

  override labels(...args: string[]): Counter.Internal;
  override labels(labels: LabelValues<L>): Counter.Internal;
  override labels(...args: unknown[]): Counter.Internal {
    // prom-client's own child: its argument checks, and the child past the bound.
    const direct = (super.labels as (...values: unknown[]) => Counter.Internal)(...args);
    const labels: LabelValues<L> =
      typeof args[0] === 'object' && args[0] !== null
        ? { ...(args[0] as LabelValues<L>) }
        : (Object.fromEntries(labelNamesOf(this).map((name, i) => [name, args[i]])) as LabelValues<L>);
    let key = '';
    for (const name in labels) key += `${name}\u0000${String(labels[name as L])}\u0001`;
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= MAX_SETS) return direct;
      series = { labels, n: 0, epoch: -1 };
      this.#series.set(key, series);
    }
    const tallied = series;
    return {
      inc: (value?: number) => {
        if (value !== undefined) {
          this.inc(tallied.labels, value);
        } else if (tallied.epoch === this.#epoch) {
          tallied.n += 1;
        } else {
          // First in this epoch: prom-client validates (and throws as its child would) and
          // creates the series now, in the order it would have.
          this.inc(tallied.labels);
          tallied.epoch = this.#epoch;
        }
      },
    };
  }

  override reset(): void {
    // prom-client's constructor resets too, before this class's fields exist.
    if (#series in this) this.#newEpoch();
    super.reset();
  }

  override remove(...args: [LabelValues<L>] | string[]): void {
    this.flush();
    this.#newEpoch();
    (super.remove as (...values: unknown[]) => void)(...args);
  }

  /** What is pending is dropped (a reset) or handed over (a removal flushes first); each series' next increment recreates it. */
  #newEpoch(): void {
    this.#epoch += 1;
    for (const series of this.#series.values()) series.n = 0;
  }
}

/** prom-client keeps the configured label names on the instance (not in its types). */
function labelNamesOf(counter: Counter<string>): readonly string[] {
  return (counter as unknown as { labelNames: readonly string[] }).labelNames;
}

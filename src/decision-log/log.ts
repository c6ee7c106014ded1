/**
 * The decision log: a bounded buffer the request path pushes to, drained off the request path
 * into a sink in batches (OPA's periodic upload). One write at a time; a failed write keeps its
 * batch and retries it with a growing delay (OPA requeues the chunk and backs off), while new
 * records wait in the buffer, and past its capacity are dropped and counted.
 */
import { BoundedBuffer } from './buffer.js';
import type { DecisionRecorder } from './engine.js';
import { toEvent } from './event.js';
import { maskEvent, type MaskRule } from './mask.js';
import type { DecisionLogCounters, DecisionLogEvent, DecisionRecord, DecisionSink } from './types.js';

export interface DecisionLogOptions {
  sink: DecisionSink;
  /** Records held at most while the sink is behind. */
  capacity: number;
  /** Events per sink write at most. */
  batch: number;
  /** How often the buffer is drained. */
  flushMs: number;
  masks: readonly MaskRule[];
  /** `id` (the instance) and `version` (the app's). */
  labels: Readonly<Record<string, string>>;
  counters: DecisionLogCounters;
  /** Told of a failed write (the first of a run of failures, and the recovery). */
  onSinkState?: (ok: boolean, error?: unknown) => void;
}

const MAX_BACKOFF_MS = 60_000;

export class DecisionLog implements DecisionRecorder {
  readonly #options: DecisionLogOptions;
  readonly #buffer: BoundedBuffer<DecisionRecord>;
  /** A batch a sink refused, sent again before anything newer. */
  #pending: DecisionLogEvent[] | undefined;
  #writing: Promise<void> | undefined;
  #failures = 0;
  #retryAt = 0;
  #kicked = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;

  constructor(options: DecisionLogOptions) {
    this.#options = { ...options, labels: Object.freeze({ ...options.labels }) };
    this.#buffer = new BoundedBuffer(options.capacity);
    this.#timer = setInterval(() => void this.flush(), options.flushMs);
    this.#timer.unref();
  }

  /** Records waiting (in the buffer and in a batch to retry). */
  get buffered(): number {
    return this.#buffer.size + (this.#pending?.length ?? 0);
  }

  get sink(): DecisionSink['kind'] {
    return this.#options.sink.kind;
  }

  /** The request path: O(1), never waits, never throws. */
  record(record: DecisionRecord): void {
    if (this.#closed || !this.#buffer.push(record)) {
      this.#options.counters.dropped('buffer_full', 1);
      return;
    }
    // A full batch need not wait for the timer (but never runs on the request's own tick).
    if (this.#buffer.size >= this.#options.batch && !this.#kicked && !this.#writing) {
      this.#kicked = true;
      setImmediate(() => {
        this.#kicked = false;
        void this.flush();
      });
    }
  }

  /** Drains what is buffered now, batch by batch; resolves when done or when a write failed. */
  flush(): Promise<void> {
    this.#writing ??= this.#drain().finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  async #drain(): Promise<void> {
    const { sink, batch, masks, labels, counters } = this.#options;
    for (;;) {
      if (Date.now() < this.#retryAt) return;
      const events = this.#pending ?? this.#buffer.take(batch).map((record) => maskEvent(toEvent(record, labels as Record<string, string>), masks));
      if (events.length === 0) return;
      this.#pending = events;
      try {
        await sink.write(events);
      } catch (error) {
        // Given up at shutdown meanwhile (and counted there).
        if (this.#pending !== events) return;
        counters.failed();
        if (this.#failures++ === 0) this.#options.onSinkState?.(false, error);
        this.#retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, this.#options.flushMs * 2 ** Math.min(this.#failures, 16));
        return;
      }
      if (this.#pending !== events) return;
      this.#pending = undefined;
      counters.sent(events.length);
      if (this.#failures > 0) this.#options.onSinkState?.(true);
      this.#failures = 0;
      this.#retryAt = 0;
    }
  }

  /**
   * Stops taking records and sends what is left, for at most `deadlineMs` (retrying a failed
   * batch at once); what is still held then is dropped and counted. Closes the sink.
   */
  async close(deadlineMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    const deadline = Date.now() + deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), deadlineMs)));
    try {
      while (this.buffered > 0 && Date.now() < deadline) {
        this.#retryAt = 0;
        if ((await Promise.race([this.flush().then(() => 'done' as const), expired])) === 'expired') break;
        // A write failed: try again shortly, within the deadline.
        if (this.#pending) await Promise.race([new Promise((resolve) => setTimeout(resolve, Math.min(100, this.#options.flushMs))), expired]);
      }
    } finally {
      clearTimeout(timer);
    }
    const left = this.buffered;
    if (left > 0) this.#options.counters.dropped('shutdown', left);
    this.#pending = undefined;
    this.#buffer.take(this.#buffer.size);
    await Promise.race([this.#options.sink.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

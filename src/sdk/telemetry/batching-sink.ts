import { CSRF_HEADER } from '../headers.js';
import type { TelemetryEvent, TelemetrySink } from './types.js';

export interface BatchingSinkOptions {
  fetch: typeof fetch;
  /** Default `/api/telemetry`. */
  url?: string;
  /** Send as soon as this many events wait. Default 20. */
  maxBatch?: number;
  /** Send waiting events after this long. Default 2000 ms. */
  flushMs?: number;
  /** Oldest events are dropped beyond this many (the BFF may be down). Default 500. */
  maxQueued?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface BatchingSink extends TelemetrySink {
  /** Sends what is waiting now; `keepalive` lets it outlive the page (use it on `pagehide`). */
  flush(options?: { keepalive?: boolean }): Promise<void>;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
}

/**
 * The host's default sink: batches events and posts them as `{ events: [...] }` to the BFF,
 * which logs them. Failures are swallowed: telemetry must never break a page.
 */
export function createBatchingSink(options: BatchingSinkOptions): BatchingSink {
  const url = options.url ?? '/api/telemetry';
  const maxBatch = options.maxBatch ?? 20;
  const flushMs = options.flushMs ?? 2000;
  const maxQueued = options.maxQueued ?? 500;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let queue: TelemetryEvent[] = [];
  let timer: unknown = null;
  let dropped = 0;

  async function flush(opts: { keepalive?: boolean } = {}): Promise<void> {
    if (timer !== null) clearTimer(timer);
    timer = null;
    while (queue.length > 0) {
      const events = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      try {
        await options.fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
          body: JSON.stringify({ events }),
          credentials: 'same-origin',
          keepalive: opts.keepalive ?? false,
        });
      } catch {
        // Telemetry is best effort; the events are gone.
      }
    }
  }

  return {
    send(event) {
      queue.push(event);
      if (queue.length > maxQueued) {
        dropped += queue.length - maxQueued;
        queue = queue.slice(queue.length - maxQueued);
      }
      if (queue.length >= maxBatch) void flush();
      else if (timer === null) timer = setTimer(() => void flush(), flushMs);
    },
    flush,
    get dropped() {
      return dropped;
    },
  };
}

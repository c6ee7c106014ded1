/**
 * Log lines collected and handed to a file descriptor's stream in batches. sonic-boom can
 * buffer itself (`minLength`), but it measures its whole buffer again on every write, which
 * costs more than the line; here a line is one array push and a batch one join.
 */
import type { DestinationStream } from 'pino';

/** A batch is written once it holds about this many characters. */
export const BATCH_CHARS = 4096;

/** What LineBatch writes to: pino.destination(), which writes each chunk at once. */
export interface LineSink {
  write(chunk: string): unknown;
  flush?(cb: (error?: Error) => void): void;
  flushSync?(): void;
}

export class LineBatch implements DestinationStream {
  #lines: string[] = [];
  #chars = 0;
  readonly #sink: LineSink;

  constructor(sink: LineSink) {
    this.#sink = sink;
  }

  write(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length;
    if (this.#chars >= BATCH_CHARS) this.#drain();
  }

  /** Writes what is collected; pino's `logger.flush(cb)` calls this. */
  flush(cb?: (error?: Error) => void): void {
    this.#drain();
    if (this.#sink.flush) this.#sink.flush(cb ?? noop);
    else cb?.();
  }

  flushSync(): void {
    this.#drain();
    this.#sink.flushSync?.();
  }

  #drain(): void {
    if (this.#lines.length === 0) return;
    const chunk = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    this.#sink.write(chunk);
  }
}

function noop(): void {}

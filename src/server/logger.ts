import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * Fields that must never reach a log line. The BFF never logs headers or bodies; this is the
 * safety net for where they could slip in (an error's request, a telemetry event's data).
 * Exact paths only: wildcard paths cost about as much as the rest of a log line together.
 */
const REDACT = [
  'cookie',
  'authorization',
  'token',
  'password',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  'req.headers.cookie',
  'req.headers.authorization',
  'err.headers.cookie',
  'err.headers.authorization',
  'data.cookie',
  'data.authorization',
  'data.token',
  'data.password',
];

/** `json`: one object per line, for machines; `pretty`: pino-pretty's lines, for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  /** Where lines go: a stream, or a file descriptor / path (default 1, stdout). */
  destination?: DestinationStream | number | string;
  /** Default `json`. */
  format?: LogFormat;
}

/** How long a buffered line may wait before it is written (see below). */
const FLUSH_MS = 250;

/**
 * Structured JSON logs (one object per line, `time` in epoch milliseconds) with cookies and
 * tokens redacted. Lines are written in batches of up to 4 KiB, at least every 250 ms and on
 * exit: one write per request was the largest single cost of the request path. With `format:
 * 'pretty'` the same objects go through pino-pretty (one line each, written at once), redacted
 * the same way.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 * logger.info({ tenant: 'localhost' }, 'started');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? 1;
  const stream =
    options.format === 'pretty'
      ? prettyStream(target)
      : typeof target === 'number' || typeof target === 'string'
        ? pino.destination({ dest: target, sync: true, minLength: 4096 })
        : target;
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'experience-bff' },
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  if (options.format !== 'pretty' && stream !== target) {
    setInterval(() => {
      try {
        logger.flush();
      } catch {
        // not open yet: the next tick writes it
      }
    }, FLUSH_MS).unref();
  }
  return logger;
}

/**
 * pino-pretty as a synchronous stream (a line is on the terminal before the next request starts,
 * and before the process exits). Loaded only when asked for: JSON deployments never load it.
 */
function prettyStream(destination: DestinationStream | number | string): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => DestinationStream;
  return pretty({
    destination,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The same on every line; the JSON format keeps them for log shippers.
    ignore: 'pid,hostname,service',
  });
}

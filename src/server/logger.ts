import { pino, type DestinationStream, type Logger } from 'pino';

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

export interface LoggerOptions {
  level?: string;
  /** Where lines go: a stream, or a file descriptor / path (default 1, stdout). */
  destination?: DestinationStream | number | string;
}

/** How long a buffered line may wait before it is written (see below). */
const FLUSH_MS = 250;

/**
 * Structured JSON logs (one object per line, `time` in epoch milliseconds) with cookies and
 * tokens redacted. Lines are written in batches of up to 4 KiB, at least every 250 ms and on
 * exit: one write per request was the largest single cost of the request path.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 * logger.info({ tenant: 'localhost' }, 'started');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? 1;
  const stream =
    typeof target === 'number' || typeof target === 'string' ? pino.destination({ dest: target, sync: true, minLength: 4096 }) : target;
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'experience-bff' },
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  if (stream !== target) {
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

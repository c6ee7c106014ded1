import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { LineBatch } from './log-batch.js';

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

const BASE = { service: 'experience-bff' };

export interface LoggerOptions {
  level?: string;
  /** Where lines go: a stream, or a file descriptor / path (default 1, stdout). */
  destination?: DestinationStream | number | string;
  /** Default `json`. */
  format?: LogFormat;
}

/** How long a buffered line may wait before it is written (see below). */
const FLUSH_MS = 250;

/** The stream each logger made here writes to, for its info lines' fast path (createInfoLine). */
const streams = new WeakMap<Logger, DestinationStream>();

/**
 * Structured JSON logs (one object per line, `time` in epoch milliseconds) with cookies and
 * tokens redacted. To a file descriptor or path, lines are written in batches of about 4 KiB,
 * at least every 250 ms and on `logger.flush()`: one write per request was the largest single
 * cost of the request path. With `format: 'pretty'` the same objects go through pino-pretty
 * (one line each, written at once), redacted the same way.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 * logger.info({ tenant: 'localhost' }, 'started');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? 1;
  const pretty = options.format === 'pretty';
  const stream = pretty
    ? prettyStream(target)
    : typeof target === 'number' || typeof target === 'string'
      ? new LineBatch(pino.destination({ dest: target, sync: true, minLength: 0 }))
      : target;
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: BASE,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  if (!pretty && stream !== target) {
    setInterval(() => {
      try {
        logger.flush();
      } catch {
        // not open yet: the next tick writes it
      }
    }, FLUSH_MS).unref();
  }
  // pino-pretty parses JSON lines and a stream that routes by level (pino.multistream) reads what pino
  // records beside each line: both get pino's own writes, never createInfoLine's fast path.
  if (!pretty && (stream as { [pino.symbols.needsMetadataGsym]?: boolean })[pino.symbols.needsMetadataGsym] !== true) streams.set(logger, stream);
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

/** The fields of an info line made with createInfoLine: strings and numbers; undefined ones are left out. */
export type InfoLineFields<K extends string> = { readonly [key in K]?: string | number | undefined };

// Keys the line itself or the redaction owns.
const OWNED_KEYS = new Set(['level', 'time', 'msg', ...Object.keys(BASE), ...REDACT.filter((path) => !/[.[]/.test(path))]);

/**
 * A writer of one frequent info line (the request log's). For a logger made by createLogger it
 * writes the bytes `logger.info(fields, msg)` writes, level check included, built with one
 * JSON.stringify instead of pino's serialisation key by key (about half the cost of the line).
 * The one difference: a lone UTF-16 surrogate is written as its `\ud800` escape, where pino
 * writes it raw and the UTF-8 encoder turns it into U+FFFD. Any other logger (a child, one made
 * elsewhere) gets `logger.info(fields, msg)` itself.
 *
 * @param keys every key the fields may have: none may be one the line or the redaction owns.
 * @example
 * const line = createInfoLine(logger, 'request', ['path', 'status']);
 * line({ path: '/healthz', status: 200 });
 */
export function createInfoLine<K extends string>(logger: Logger, msg: string, keys: readonly K[]): (fields: InfoLineFields<K>) => void {
  const taken = keys.filter((key) => OWNED_KEYS.has(key));
  if (taken.length > 0) throw new Error(`createInfoLine: keys the line or the redaction own: ${taken.join(', ')}`);
  const stream = streams.get(logger);
  if (!stream) return (fields) => logger.info(fields as object, msg);
  // As pino writes them: the level label (formatters.level), the time, the base bindings, the fields, the message.
  const head = '{"level":"info","time":';
  const bindings = `,${JSON.stringify(BASE).slice(1, -1)}`;
  const tail = `,"msg":${JSON.stringify(msg)}}\n`;
  return (fields) => {
    if (!logger.isLevelEnabled('info')) return;
    const json = JSON.stringify(fields);
    stream.write(json.length > 2 ? `${head}${Date.now()}${bindings},${json.slice(1, -1)}${tail}` : `${head}${Date.now()}${bindings}${tail}`);
  };
}

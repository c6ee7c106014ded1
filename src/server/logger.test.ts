/**
 * createLogger's formats, and createInfoLine against pino itself: for any fields, the line it writes is byte for byte the
 * one `logger.info(fields, msg)` writes (the time pinned), in order with the logger's other
 * lines; it follows the level; any logger createLogger did not make gets logger.info itself.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInfoLine, createLogger } from './logger.js';

const KEYS = ['requestId', 'method', 'path', 'route', 'status', 'outcome', 'ms', 'tenant', 'user', 'plugin', 'decision', 'reason', '0', 'a"b', 'é'] as const;

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines };
}

/** A stream that keeps what is written, as one text. */
function captureText(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/** A string without lone surrogates (the one documented difference, tested on its own). */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', 'a', '/'), maxLength: 12 }),
  fc.constantFrom('', 'GET', '/api/orders?q=1', 'plugin_call'),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1.234, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-7));
const fields = fc.record(Object.fromEntries(KEYS.map((key) => [key, fc.oneof(text, number, fc.constant(undefined))])), { requiredKeys: [] });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createInfoLine', () => {
  it('writes the bytes logger.info(fields, msg) writes, for any fields', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123);
    const fast = capture();
    const reference = capture();
    const line = createInfoLine(createLogger({ destination: fast.stream }), 'request', KEYS);
    const logger = createLogger({ destination: reference.stream });
    fc.assert(
      fc.property(fields, fc.constantFrom('request', 'a "quoted" msg', ''), (values, msg) => {
        fast.lines.length = 0;
        reference.lines.length = 0;
        createInfoLine(createLogger({ destination: fast.stream }), msg, KEYS)(values);
        logger.info(values, msg);
        expect(fast.lines).toEqual(reference.lines);
        expect(fast.lines).toHaveLength(1);
      }),
      { numRuns: 400 },
    );
    line({ requestId: 'x' });
    expect(JSON.parse(fast.lines.at(-1)!)).toEqual({ level: 'info', time: 1_764_000_000_123, service: 'experience-bff', requestId: 'x', msg: 'request' });
  });

  it("lands in order with the logger's other lines", () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const line = createInfoLine(logger, 'request', ['n']);
    logger.info({ n: 1 }, 'other');
    line({ n: 2 });
    logger.warn({ n: 3 }, 'other');
    line({ n: 4 });
    expect(out.lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3, 4]);
  });

  it('follows the level, also when it changes later', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    const line = createInfoLine(logger, 'request', ['n']);
    line({ n: 1 });
    expect(out.lines).toEqual([]);
    logger.level = 'info';
    line({ n: 2 });
    logger.level = 'silent';
    line({ n: 3 });
    expect(out.lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([2]);
  });

  it('uses logger.info itself for a logger createLogger did not make (a child, a pino of its own)', () => {
    const out = capture();
    const own = pino({ base: { mine: true } }, out.stream);
    createInfoLine(own, 'request', ['n'])({ n: 1 });
    const child = createLogger({ destination: out.stream }).child({ requestScope: 'c' });
    createInfoLine(child, 'request', ['n'])({ n: 2 });
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ mine: true, n: 1, msg: 'request', level: 30 });
    expect(second).toMatchObject({ service: 'experience-bff', requestScope: 'c', n: 2, msg: 'request', level: 'info' });
  });

  it('leaves a stream that routes by level (pino.multistream) to pino', () => {
    const info = capture();
    const warn = capture();
    const logger = createLogger({ destination: pino.multistream([{ level: 'info', stream: info.stream }, { level: 'warn', stream: warn.stream }]) });
    logger.warn({ n: 1 }, 'other');
    createInfoLine(logger, 'request', ['n'])({ n: 2 });
    expect(info.lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2]);
    expect(warn.lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1]);
  });

  it('leaves a pretty logger to pino, so its lines go through pino-pretty', () => {
    const out = captureText();
    const logger = createLogger({ destination: out.stream, format: 'pretty' });
    const info = vi.spyOn(logger, 'info');
    createInfoLine(logger, 'request', ['route', 'status'])({ route: 'manifests', status: 200 });
    expect(info).toHaveBeenCalledWith({ route: 'manifests', status: 200 }, 'request');
    const lines = out.text().replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{"route":"manifests","status":200\}$/);
    expect(out.text()).not.toContain('"level":"info"');
  });

  it('keeps a lone surrogate as its escape, where pino writes U+FFFD', () => {
    const out = capture();
    createInfoLine(createLogger({ destination: out.stream }), 'request', ['user'])({ user: 'a\ud800b' });
    expect((JSON.parse(out.lines[0]!) as { user: string }).user).toBe('a\ud800b');
  });

  it.each(['level', 'time', 'msg', 'service', 'cookie', 'authorization', 'token', 'password'])('refuses the key %s, which the line or the redaction owns', (key) => {
    expect(() => createInfoLine(createLogger({ destination: capture().stream }), 'request', ['path', key])).toThrow(key);
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line by default, level as a label', () => {
    const out = captureText();
    const logger = createLogger({ destination: out.stream, level: 'debug' });
    logger.info({ route: 'manifests' }, 'request');
    logger.debug({ route: 'web' }, 'request');
    const lines = out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 'info', route: 'manifests', msg: 'request', service: 'experience-bff' },
      { level: 'debug', route: 'web', msg: 'request' },
    ]);
  });

  it('format pretty: one pino-pretty line per entry, at once, with the same redaction', () => {
    const out = captureText();
    const logger = createLogger({ destination: out.stream, level: 'debug', format: 'pretty' });
    logger.info({ route: 'manifests', status: 200 }, 'request');
    logger.debug({ route: 'web' }, 'request');
    logger.warn({ headers: { cookie: 'experience_session=secret' }, token: 'abc' }, 'careful');
    // Written synchronously: nothing waits for a flush.
    const lines = out.text().replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{"route":"manifests","status":200\}$/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] DEBUG: request \{"route":"web"\}$/);
    expect(lines[2]).toMatch(/WARN: careful .*"cookie":"\[redacted\]".*"token":"\[redacted\]"/);
    expect(out.text()).not.toContain('secret');
    expect(out.text()).not.toContain('abc');
  });
});

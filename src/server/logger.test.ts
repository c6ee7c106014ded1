import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A stream that keeps what is written, as text. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes one JSON object per line by default, level as a label', () => {
    const out = capture();
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
    const out = capture();
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

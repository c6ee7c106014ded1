import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { testContext } from '../testing/context.js';
import { telemetryRoute } from './telemetry.js';

async function post(json: unknown) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  const ctx = testContext({ method: 'POST', url: '/api/telemetry', json });
  ctx.state.tenant = 'localhost';
  ctx.state.session = { sid: 's', user: 'alice', roles: [], tenant: 'localhost', iat: 0, exp: 2e9 };
  let error: unknown;
  try {
    await telemetryRoute({ logger: createLogger({ level: 'info', destination }) } as AppDeps)(ctx, async () => undefined);
  } catch (thrown) {
    error = thrown;
  }
  return { ctx, lines, error };
}

const event = { plugin: 'orders', kind: 'log', level: 'warn', name: 'slow', message: 'took long', data: { ms: 900 }, ts: '2026-01-01T00:00:00Z' };

describe('telemetryRoute', () => {
  it('logs each event as one JSON line with tenant and user, and answers 204', async () => {
    const { ctx, lines } = await post({ events: [event, { ...event, kind: 'metric', name: 'n' }] });
    expect(ctx.status).toBe(204);
    expect(lines.filter((l) => l.msg === 'telemetry')).toEqual([
      expect.objectContaining({ source: 'telemetry', tenant: 'localhost', user: 'alice', plugin: 'orders', kind: 'log', clientLevel: 'warn', name: 'slow', clientTs: event.ts }),
      expect.objectContaining({ kind: 'metric', name: 'n' }),
    ]);
  });

  it.each([
    ['no events', { events: [] }],
    ['too many events', { events: Array.from({ length: 101 }, () => event) }],
    ['an unknown kind', { events: [{ ...event, kind: 'trace' }] }],
    ['a plugin id with a slash', { events: [{ ...event, plugin: '../x' }] }],
    ['an over-long timestamp', { events: [{ ...event, ts: 'x'.repeat(41) }] }],
    ['data that is not an object', { events: [{ ...event, data: [1] }] }],
  ])('refuses %s with 400 invalid_body, logging nothing', async (_name, body) => {
    const { lines, error } = await post(body);
    expect(error).toMatchObject({ code: 'invalid_body' });
    expect(lines).toEqual([]);
  });
});

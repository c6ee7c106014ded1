import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import type { ContributionsDecision, ContributionsInput } from '../../engine/types.js';
import { testContext, testSnapshot } from '../testing/context.js';
import { telemetryRoute } from './telemetry.js';

const SERVED: ContributionsDecision = { plugins: [{ id: 'orders', version: '1.0.0', routes: [], widgets: [] }] };

async function post(json: unknown, contributions: (input: ContributionsInput) => ContributionsDecision = () => SERVED) {
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
  ctx.state.snapshot = testSnapshot({ contributions });
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

  it('logs only plugins the policy serves this user; the others are dropped and counted, never logged under their name', async () => {
    const asked: ContributionsInput[] = [];
    const { ctx, lines } = await post({ events: [event, { ...event, plugin: 'billing' }, { ...event, plugin: 'disabled-one' }] }, (input) => {
      asked.push(input);
      return SERVED;
    });
    expect(ctx.status).toBe(204);
    expect(asked).toEqual([{ tenant: 'localhost', user: { id: 'alice', roles: [] } }]);
    expect(lines.filter((l) => l.msg === 'telemetry').map((l) => l.plugin)).toEqual(['orders']);
    expect(lines.find((l) => typeof l.dropped === 'number')).toMatchObject({ dropped: 2, user: 'alice' });
    expect(JSON.stringify(lines)).not.toMatch(/billing|disabled-one/);
  });

  it('fails closed with decision_unavailable when the policy cannot say which plugins are served', async () => {
    const { lines, error } = await post({ events: [event] }, () => ({ plugins: [], reason: 'evaluation_error' }));
    expect(error).toMatchObject({ code: 'decision_unavailable' });
    expect(lines.filter((l) => l.msg === 'telemetry')).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startBff();
});
afterAll(async () => {
  await bff?.close();
});

describe('POST /api/authz/evaluate', () => {
  it('answers the PDP decision for the session user', async () => {
    const alice = await login(bff, 'alice', ['member']);
    const carol = await login(bff, 'carol', []);
    const ask = (cookie: string, resource: string, action: string) =>
      bff.http().post('/api/authz/evaluate').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'orders').send({ resource, action });
    const granted = await ask(alice, 'orders.page', 'view');
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ allow: true, reason: 'granted' });
    expect(granted.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(granted);
    expect((await ask(alice, 'orders.page', 'edit')).body).toEqual({ allow: false, reason: 'not_granted' });
    expect((await ask(carol, 'reports', 'export')).body).toEqual({ allow: true, reason: 'granted' });
    expect(bff.upstream.received).toHaveLength(0);
    const line = bff.logs().filter((l) => l.route === 'authz').at(-1);
    expect(line).toMatchObject({ plugin: 'orders', user: 'carol', decision: 'allow', reason: 'granted' });
  });

  it('400 for a malformed question; the subject is never taken from the body', async () => {
    const bob = await login(bff, 'bob', []);
    const bad = await bff.http().post('/api/authz/evaluate').set('Host', 'localhost').set('Cookie', bob).send({ resource: 'orders.page' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_body');
    const spoof = await bff.http().post('/api/authz/evaluate').set('Host', 'localhost').set('Cookie', bob).send({ resource: 'reports', action: 'export', subject: { id: 'carol' } });
    expect(spoof.body).toEqual({ allow: false, reason: 'not_granted' });
  });
});

describe('POST /api/telemetry', () => {
  it('logs each event as one JSON line with tenant, user and plugin id; 204', async () => {
    const alice = await login(bff, 'alice', ['member']);
    const res = await bff
      .http()
      .post('/api/telemetry')
      .set('Host', 'localhost')
      .set('Cookie', alice)
      .send({
        events: [
          { plugin: 'orders', kind: 'metric', name: 'orders.load_ms', data: { value: 42 }, ts: '2026-01-01T00:00:00.000Z' },
          { plugin: 'hello', kind: 'log', level: 'warn', name: 'hello.render', message: 'slow render', ts: '2026-01-01T00:00:01.000Z' },
        ],
      });
    expect(res.status).toBe(204);
    const lines = bff.logs().filter((l) => l.msg === 'telemetry');
    expect(lines.slice(-2)).toEqual([
      expect.objectContaining({ tenant: 'localhost', user: 'alice', plugin: 'orders', kind: 'metric', name: 'orders.load_ms', data: { value: 42 } }),
      expect.objectContaining({ tenant: 'localhost', user: 'alice', plugin: 'hello', kind: 'log', clientLevel: 'warn', message: 'slow render' }),
    ]);
  });

  it('400 for malformed events or too many of them', async () => {
    const alice = await login(bff, 'alice', ['member']);
    const post = (body: unknown) => bff.http().post('/api/telemetry').set('Host', 'localhost').set('Cookie', alice).send(body as object);
    const event = { plugin: 'orders', kind: 'event', name: 'x', ts: '2026-01-01T00:00:00Z' };
    expect((await post({ events: [] })).status).toBe(400);
    expect((await post({ events: [{ ...event, kind: 'shell' }] })).status).toBe(400);
    expect((await post({ events: [{ ...event, plugin: '../x' }] })).status).toBe(400);
    expect((await post({ events: Array.from({ length: 101 }, () => event) })).status).toBe(400);
    expect((await post({ events: Array.from({ length: 100 }, () => event) })).status).toBe(204);
  });

  it('logs events only under plugins the policy serves this user: an incompatible or unknown one is dropped and counted', async () => {
    const alice = await login(bff, 'alice', ['member']);
    const before = bff.logs().length;
    const res = await bff
      .http()
      .post('/api/telemetry')
      .set('Host', 'localhost')
      .set('Cookie', alice)
      .send({
        events: [
          { plugin: 'legacy', kind: 'log', name: 'legacy.boot', ts: '2026-01-01T00:00:00Z' },
          { plugin: 'billing', kind: 'log', name: 'forged', ts: '2026-01-01T00:00:00Z' },
          { plugin: 'orders', kind: 'event', name: 'orders.opened', ts: '2026-01-01T00:00:00Z' },
        ],
      });
    expect(res.status).toBe(204);
    const lines = bff.logs().slice(before);
    expect(lines.filter((l) => l.msg === 'telemetry').map((l) => l.plugin)).toEqual(['orders']);
    expect(lines.find((l) => l.dropped !== undefined)).toMatchObject({ tenant: 'localhost', user: 'alice', dropped: 2 });
  });
});

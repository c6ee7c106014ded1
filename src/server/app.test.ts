/**
 * The app against a fake SnapshotSource: one `current()` per request, and fail-closed
 * answers when the engine cannot decide.
 */
import request from 'supertest';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PluginsConfig } from '../config/types.js';
import type { Snapshot, SnapshotSource } from '../engine/state.js';
import type { DecisionEngine } from '../engine/types.js';
import { EMPTY_IDENTITY } from '../identity/index.js';
import { testCatalogues } from '../engine/testing/catalogues.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { loadSettings } from './settings.js';

const config: PluginsConfig = {
  tenants: {
    localhost: [
      {
        id: 'hello',
        version: '1.0.0',
        engine: { experience: '>=1.0.0' },
        bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js' },
        permissions: { api: [{ method: 'GET', path: '/api/hello' }], sse: [] },
        contributions: { routes: [], widgets: [] },
      },
    ],
  },
  upstreams: [],
};

function fakeSource(engine: Partial<DecisionEngine>): SnapshotSource & { calls: number } {
  const full: DecisionEngine = {
    revision: { policy: 'p', data: 'd', loadedAt: '2026-01-01T00:00:00Z' },
    reasons: testCatalogues(),
    api: () => ({ allow: false, reason: 'refused' }),
    sse: () => ({ allow: false, reason: 'refused' }),
    contributions: () => ({ plugins: [{ id: 'hello', version: '1.0.0', routes: [], widgets: [] }] }),
    authz: () => ({ allow: true, reason: 'granted' }),
    ...engine,
  };
  const snapshot: Snapshot = {
    engine: full,
    config,
    identity: EMPTY_IDENTITY,
    revision: { id: 1, policy: 'p', data: 'd', config: 'c', identity: 'none', loadedAt: '2026-01-01T00:00:00Z' },
  };
  const source = {
    calls: 0,
    current() {
      source.calls += 1;
      return snapshot;
    },
    status: () => ({ revision: snapshot.revision, last: { at: '', ok: true, trigger: 'startup' }, failures: 0 }),
    subscribe: () => () => undefined,
  };
  return source;
}

function app(source: SnapshotSource) {
  const settings = loadSettings({ NODE_ENV: 'test', UPSTREAM_URL: 'http://127.0.0.1:9', SESSION_KEYS: 'k'.repeat(32), DEV_LOGIN: 'true', PLUGINS_ROOT: '/nonexistent' });
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  return createApp({ settings, source, logger, defaultMetrics: false });
}

async function signIn(agent: ReturnType<typeof request>): Promise<string> {
  const res = await agent.post('/auth/dev/login').set('Host', 'localhost').set('X-Experience-Csrf', '1').send({ user: 'alice', roles: ['member'] });
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
}

describe('createApp', () => {
  it('takes exactly one snapshot per request', async () => {
    const source = fakeSource({});
    const bff = app(source);
    const agent = request(bff.callback());
    const cookie = await signIn(agent);
    for (const send of [
      () => agent.get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie),
      () => agent.get('/api/plugins/bundle?entry=hello%401.0.0&id=hello').set('Host', 'localhost').set('Cookie', cookie),
      () => agent.get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello'),
      () => agent.post('/api/authz/evaluate').set('Host', 'localhost').set('Cookie', cookie).set('X-Experience-Csrf', '1').send({ resource: 'a', action: 'b' }),
      () => agent.get('/').set('Host', 'localhost'),
    ]) {
      source.calls = 0;
      await send();
      expect(source.calls).toBe(1);
    }
    await bff.close();
  });

  it('fails closed when the engine cannot decide: 503, nothing proxied', async () => {
    const bff = app(
      fakeSource({
        api: () => ({ allow: false, reason: 'evaluation_error' }),
        contributions: () => ({ plugins: [], reason: 'undefined_result' }),
        sse: () => ({ allow: false, reason: 'undefined_result' }),
      }),
    );
    const agent = request(bff.callback());
    const cookie = await signIn(agent);
    const call = await agent.get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect(call.status).toBe(503); // a 502 would mean the (closed) upstream was tried
    expect(call.body.code).toBe('decision_unavailable');
    const manifests = await agent.get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie);
    expect(manifests.status).toBe(503);
    const stream = await agent.get('/events/stream?topics=orders').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect(stream.status).toBe(503);
    await bff.close();
  });

  it('opsCallback: the detailed /readyz of the same source and lifecycle; the app answers its public subset; both 503 once draining', async () => {
    const base = fakeSource({});
    const disabled: PluginsConfig = { ...config, tenants: { localhost: [{ ...config.tenants['localhost']![0]!, disabled: { reason: 'INC-1 leak' } }] } };
    const bff = app({ ...base, current: () => ({ ...base.current(), config: disabled }) });
    const ops = await request(bff.opsCallback()).get('/readyz');
    expect(ops.status).toBe(200);
    expect(ops.body).toMatchObject({ ready: true, lastReload: { trigger: 'startup' }, notices: [{ tenant: 'localhost', plugin: 'hello', reason: 'INC-1 leak' }] });
    const pub = await request(bff.callback()).get('/readyz').set('Host', 'localhost');
    expect(pub.body).toEqual({ ready: true, revision: ops.body.revision, lastReload: { ok: true, at: '' } });
    await bff.drain();
    for (const res of [await request(bff.opsCallback()).get('/readyz'), await request(bff.callback()).get('/readyz').set('Host', 'localhost')]) {
      expect([res.status, res.body]).toEqual([503, { ready: false, draining: true }]);
    }
    await bff.close();
  });

  it('503 when no state can be had at all', async () => {
    const source = fakeSource({});
    source.current = () => {
      throw new Error('not loaded');
    };
    const bff = app(source);
    const res = await request(bff.callback()).get('/').set('Host', 'localhost');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'decision_unavailable', message: 'Policy is not loaded' });
    await bff.close();
  });
});

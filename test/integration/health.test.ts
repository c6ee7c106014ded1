import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { openSse } from './support/sse.js';

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff);
});
afterAll(async () => {
  await bff?.close();
});

async function metrics(): Promise<string> {
  const res = await bff.metricsHttp().get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

describe('health', () => {
  it('/healthz says the process is up, on any host', async () => {
    const res = await bff.http().get('/healthz').set('Host', '10.0.0.7:8080');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expectSecurityHeaders(res);
  });

  const revision = { id: 1, policy: expect.stringMatching(/^[0-9a-f]{12}$/), data: expect.stringMatching(/^[0-9a-f]{12}$/), config: expect.stringMatching(/^[0-9a-f]{12}$/), loadedAt: expect.any(String) };

  it('/readyz says which revision serves and whether the last reload failed, and nothing more', async () => {
    const res = await bff.http().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ ready: true, revision, lastReload: { ok: true, at: expect.any(String) } });
  });

  it('the operators\' /readyz adds the trigger, the failures and the notices', async () => {
    const res = await bff.metricsHttp().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      ready: true,
      revision,
      lastReload: { ok: true, at: expect.any(String), trigger: 'startup' },
      reloadFailures: 0,
      // Informational items (disabled plugins): none in this config.
      notices: [],
    });
  });

  it('/metrics counts allowed and denied calls, 429s, 409s and open streams per plugin', async () => {
    const as = (plugin: string, path: string) => bff.http().get(path).set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', plugin);
    await as('hello', '/api/hello');
    await as('hello', '/api/orders');
    for (let i = 0; i < 4; i++) await as('limited', '/api/hello');
    await bff.http().get('/api/plugins/bundle?entry=tampered%401.0.0&id=tampered').set('Host', 'localhost').set('Cookie', cookie);
    const s = await openSse(`${bff.url}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
    expect(s.status).toBe(200);
    await openSse(`${bff.url}/events/stream?topics=secret`, { cookie, 'x-plugin-id': 'orders' });

    const text = await metrics();
    expect(text).toContain('experience_plugin_requests_total{tenant="localhost",plugin="hello",decision="allowed",reason="allowed"} 1');
    expect(text).toContain('experience_plugin_requests_total{tenant="localhost",plugin="hello",decision="denied",reason="allowlist_violation"} 1');
    expect(text).toMatch(/experience_plugin_rate_limited_total\{tenant="localhost",plugin="limited"\} [1-9]/);
    expect(text).toContain('experience_bundle_integrity_failures_total{tenant="localhost",plugin="tampered"} 1');
    expect(text).toContain('experience_sse_streams_open{tenant="localhost",plugin="orders"} 1');
    expect(text).toContain('experience_sse_denied_total{tenant="localhost",plugin="orders",reason="topic_not_allowed"} 1');
    expect(text).toMatch(/experience_http_requests_total\{route="plugin_call",status="429",outcome="completed"\} [1-9]/);
    expect(text).toContain('experience_config_last_reload_ok 1');

    s.close();
    await (async () => {
      for (let i = 0; i < 100; i++) {
        if ((await metrics()).includes('experience_sse_streams_open{tenant="localhost",plugin="orders"} 0')) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('the closed stream is still counted');
    })();
  });

  it('an unknown plugin id never becomes a metric label', async () => {
    await bff.http().get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'random-1234');
    const text = await metrics();
    expect(text).not.toContain('random-1234');
    expect(text).toContain('plugin="unknown",decision="denied",reason="unknown_plugin"');
  });
});

/**
 * Reloads through the real file watcher: the test edits the temp copies of plugins.yaml and
 * policy.wasm and polls (bounded) until the BFF shows the outcome.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, eventually, login, startBff, type TestBff } from './support/bff.js';
import { openSse, payload } from './support/sse.js';

let bff: TestBff | undefined;
afterEach(async () => {
  await bff?.close();
  bff = undefined;
});

/** The operators' /readyz (the public one has neither issues nor failures). */
async function readyz(b: TestBff) {
  return (await b.metricsHttp().get('/readyz')).body as {
    ready: boolean;
    revision: { id: number };
    lastReload: { ok: boolean; trigger: string; issues?: Array<{ file: string; line: number; code: string }> };
    reloadFailures: number;
  };
}

async function metric(b: TestBff, name: string): Promise<string> {
  const text = (await b.metricsHttp().get('/metrics')).text;
  return text.split('\n').filter((l) => l.startsWith(name)).join('\n');
}

describe('reload', () => {
  it('applies a good change without a restart', async () => {
    bff = await startBff();
    const b = bff;
    const cookie = await login(b);
    const call = () => b.http().get('/api/orders').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect((await call()).status).toBe(403);
    const before = (await b.http().get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie)).body.revision;

    await b.fixture.editPlugins((t) => t.replace('          - { method: GET, path: /api/hello }\n        sse: []\n      contributions:\n        routes:\n          - { path: /hello, component: Hello, resource: plugin.route, action: view }\n        widgets:', '          - { method: GET, path: /api/hello }\n          - { method: GET, path: /api/orders }\n        sse: []\n      contributions:\n        routes:\n          - { path: /hello, component: Hello, resource: plugin.route, action: view }\n        widgets:'));
    await eventually(async () => expect((await readyz(b)).revision.id).toBe(2), 'revision 2');
    const status = await readyz(b);
    expect(status.lastReload).toMatchObject({ ok: true, trigger: 'plugins' });
    expect((await call()).status).toBe(200);
    const after = (await b.http().get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie)).body.revision;
    expect(after).not.toBe(before);
    expect(after).toMatch(/^2-/);
    expect(await metric(b, 'experience_config_revision')).toContain('experience_config_revision 2');
  });

  it('refuses a bad change: the last good state keeps serving, /readyz and /metrics say so', async () => {
    bff = await startBff();
    const b = bff;
    const cookie = await login(b);
    const call = () => b.http().get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    // A schema error on a known line: a lower-case method.
    await b.fixture.editPlugins((t) => t.replace('- { method: GET, path: /api/hello }', '- { method: get, path: /api/hello }'));
    await eventually(async () => expect((await readyz(b)).lastReload.ok).toBe(false), 'the failed reload');
    const status = await readyz(b);
    expect(status.ready).toBe(true);
    expect(status.revision.id).toBe(1);
    expect(status.reloadFailures).toBe(1);
    expect(status.lastReload.issues?.[0]).toMatchObject({ file: 'plugins.yaml', line: expect.any(Number) });
    expect(status.lastReload.issues?.[0]?.line).toBeGreaterThan(0);
    expect(JSON.stringify(status)).not.toContain(b.fixture.dir);
    expect((await call()).status).toBe(200);
    expect(await metric(b, 'experience_config_last_reload_ok')).toContain('experience_config_last_reload_ok 0');
    expect(await metric(b, 'experience_config_reload_failures')).toContain('experience_config_reload_failures 1');
    // The failure is logged with file and line.
    const logged = b.logs().find((l) => String(l.msg).startsWith('reload failed'));
    expect(JSON.stringify(logged)).toMatch(/plugins\.yaml:\d+:\d+/);

    // Fixing the file brings it back.
    await b.fixture.editPlugins((t) => t.replace('- { method: get, path: /api/hello }', '- { method: GET, path: /api/hello }'));
    await eventually(async () => expect((await readyz(b)).lastReload.ok).toBe(true), 'the next good reload');
  });

  it('refuses a broken policy module and keeps the old one', async () => {
    bff = await startBff();
    const b = bff;
    const cookie = await login(b);
    await writeFile(b.fixture.policyFile, 'not wasm');
    await eventually(async () => expect((await readyz(b)).lastReload).toMatchObject({ ok: false, trigger: 'policy' }), 'the failed policy reload');
    const res = await b.http().get('/api/hello').set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect(res.status).toBe(200);
  });

  it('closes a stream whose permission is withdrawn, and refuses it afterwards', async () => {
    bff = await startBff();
    const b = bff;
    const cookie = await login(b);
    const headers = { cookie, 'x-plugin-id': 'orders' };
    const s = await openSse(`${b.url}/events/stream?topics=orders`, headers);
    const kept = await openSse(`${b.url}/events/stream?topics=stock.levels`, headers);
    expect([s.status, kept.status]).toEqual([200, 200]);
    await b.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'orders.updated', data: { n: 1 } });
    expect(payload(await s.next((f) => f.event === 'message')).data).toEqual({ n: 1 });

    await b.fixture.editPlugins((t) => t.replace('sse: [orders, stock.levels]', 'sse: [stock.levels]'));
    await s.ended();
    const again = await openSse(`${b.url}/events/stream?topics=orders`, headers);
    expect(again.status).toBe(403);
    // The stream that is still allowed stays open and keeps receiving.
    await b.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'stock.levels', data: { n: 2 } });
    expect(payload(await kept.next((f) => f.event === 'message')).data).toEqual({ n: 2 });
    expect(await metric(b, 'experience_sse_streams_revoked_total')).toContain('plugin="orders"} 1');
    kept.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';

let bff: TestBff;
let alice: string;
let bob: string;

beforeAll(async () => {
  bff = await startBff();
  alice = await login(bff, 'alice', ['member', 'dashboard-user']);
  bob = await login(bff, 'bob', ['member']);
});
afterAll(async () => {
  await bff?.close();
});

const get = (cookie: string, host = 'localhost') => bff.http().get('/api/plugins/manifests').set('Host', host).set('Cookie', cookie);

describe('GET /api/plugins/manifests', () => {
  it('lists the tenant\'s compatible plugins with only the contributions the PDP grants', async () => {
    const res = await get(alice);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    const ids = res.body.plugins.map((p: { id: string }) => p.id);
    expect(ids).toEqual(['hello', 'limited', 'linked', 'missing', 'orders', 'tampered']);
    expect(ids).not.toContain('legacy'); // engine range not satisfied by 1.4.0
    const hello = res.body.plugins.find((p: { id: string }) => p.id === 'hello');
    expect(hello).toEqual({
      id: 'hello',
      version: '1.0.0',
      entry: '/api/plugins/bundle?entry=hello%401.0.0&id=hello',
      integrity: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      contributions: {
        routes: [{ path: '/hello', component: 'Hello', resource: 'plugin.route', action: 'view' }],
        widgets: [{ slot: 'dashboard.main', component: 'HelloWidget', resource: 'plugin.widget', action: 'view' }],
      },
    });
    const orders = res.body.plugins.find((p: { id: string }) => p.id === 'orders');
    expect(orders.integrity).toBeUndefined();
    expect(orders.devUrl).toBeUndefined();
    expect(res.body.revision).toMatch(/^1-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-f]{12}$/);
  });

  it('leaves out what a user is not granted', async () => {
    const res = await get(bob);
    const hello = res.body.plugins.find((p: { id: string }) => p.id === 'hello');
    expect(hello.contributions.routes).toHaveLength(1);
    expect(hello.contributions.widgets).toEqual([]); // no dashboard-user role
    const nobody = await login(bff, 'mallory', []);
    const none = await get(nobody);
    for (const p of none.body.plugins) expect(p.contributions).toEqual({ routes: [], widgets: [] });
  });

  it('answers per tenant', async () => {
    const acme = await login(bff, 'alice', ['member'], 'acme.localhost');
    const res = await get(acme, 'acme.localhost');
    expect(res.body.plugins.map((p: { id: string }) => p.id)).toEqual(['hello']);
    expect(res.body.plugins[0].integrity).toBeUndefined();
  });

  it('is private, carries an ETag and answers 304 to If-None-Match', async () => {
    const first = await get(alice);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const tag = first.headers.etag as string;
    expect(tag).toBeTruthy();
    const again = await get(alice).set('If-None-Match', tag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    // Another user sees another document, so the tag does not match.
    const other = await get(bob).set('If-None-Match', tag);
    expect(other.status).toBe(200);
  });
});

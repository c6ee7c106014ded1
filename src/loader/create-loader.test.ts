import { describe, expect, it, vi } from 'vitest';
import { createFakeFetch, jsonResponse, type RecordedRequest } from '../sdk/testing/fake-fetch.js';
import { createPluginLoader } from './create-loader.js';
import type { LoaderError } from './errors/index.js';
import { Hello, HelloWidget, ORIGIN, helloManifest, manifest } from './testing/fixtures.js';
import type { PluginManifest } from './types.js';

const OrdersPage = () => null;
const ordersManifest = manifest('orders', {
  version: '2.1.0',
  entry: '/api/plugins/bundle?entry=orders%402.1.0&id=orders',
  contributions: { routes: [{ path: '/orders', component: 'OrdersPage' }], widgets: [] },
});

function setup(plugins: unknown[], modules: Record<string, Record<string, unknown> | Error>, bundleStatus = 200) {
  let doc = { revision: 'r1', plugins };
  const fake = createFakeFetch((req: RecordedRequest) => {
    if (req.url === '/api/plugins/manifests') {
      const etag = `"${doc.revision}"`;
      if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304 });
      return jsonResponse(200, doc, { ETag: etag });
    }
    return new Response('x', { status: bundleStatus, headers: bundleStatus === 409 ? { 'X-Integrity-Error': '1' } : {} });
  });
  const importer = vi.fn(async (url: string) => {
    const id = new URL(url).searchParams.get('id') ?? '';
    const m = modules[id];
    if (!m || m instanceof Error) throw m ?? new TypeError(`Failed to fetch dynamically imported module: ${url}`);
    return m;
  });
  const problems: LoaderError[] = [];
  const loader = createPluginLoader({
    origin: ORIGIN, mode: 'production', hostVersion: '1.4.0', fetch: fake.fetch, importer, report: (p) => problems.push(p),
  });
  return { loader, importer, problems, fake, setDoc: (p: unknown[], revision: string) => { doc = { revision, plugins: p }; } };
}

describe('createPluginLoader', () => {
  it('discovers, imports each bundle through its entry, and resolves records', async () => {
    const { loader, importer, problems } = setup([helloManifest, ordersManifest], {
      hello: { Hello, HelloWidget },
      orders: { OrdersPage },
    });
    const r = await loader.load('alice@localhost');
    expect(importer.mock.calls.map((c) => c[0])).toEqual([
      `${ORIGIN}/api/plugins/bundle?entry=hello%401.0.0&id=hello`,
      `${ORIGIN}/api/plugins/bundle?entry=orders%402.1.0&id=orders`,
    ]);
    expect(r.routes.map((x) => [x.pluginId, x.path, x.component])).toEqual([['hello', '/hello', Hello], ['orders', '/orders', OrdersPage]]);
    expect(r.widgets.map((x) => [x.slot, x.component])).toEqual([['dashboard.main', HelloWidget]]);
    expect(r.plugins.map((p) => [p.id, p.status])).toEqual([['hello', 'loaded'], ['orders', 'loaded']]);
    expect(problems).toEqual([]);
  });

  it('isolates a bundle that fails to load: its routes carry the error, the others load', async () => {
    const { loader, problems } = setup([helloManifest, ordersManifest], {
      hello: new SyntaxError('Unexpected token'),
      orders: { OrdersPage },
    });
    const r = await loader.load('alice@localhost');
    expect(r.plugins.map((p) => [p.id, p.status])).toEqual([['hello', 'failed'], ['orders', 'loaded']]);
    expect(r.routes.find((x) => x.pluginId === 'hello')?.error?.code).toBe('bundle_load_failed');
    expect(r.routes.find((x) => x.pluginId === 'orders')?.component).toBe(OrdersPage);
    expect(problems.map((p) => [p.code, p.pluginId])).toEqual([['bundle_load_failed', 'hello']]);
    expect(problems[0]?.message).toContain('Unexpected token');
  });

  it('names an integrity mismatch when the bundle route answers 409', async () => {
    const { loader, problems } = setup([helloManifest], { hello: new TypeError('Failed to fetch') }, 409);
    await loader.load('alice@localhost');
    expect(problems[0]).toMatchObject({ code: 'bundle_load_failed', status: 409 });
    expect(problems[0]?.message).toContain('integrity');
  });

  it('leaves out incompatible and malformed plugins, and keeps the refusal of a dev URL visible', async () => {
    const plugins: unknown[] = [
      manifest('legacy', { engine: { experience: '<1.0.0' }, contributions: { routes: [{ path: '/legacy', component: 'LegacyPage' }], widgets: [] } }),
      { id: 'broken' },
      { ...helloManifest, devUrl: 'http://localhost:5173/index.tsx' } satisfies PluginManifest,
    ];
    const { loader, importer, problems } = setup(plugins, {});
    const r = await loader.load('alice@localhost');
    expect(importer).not.toHaveBeenCalled();
    expect(r.plugins.map((p) => [p.id, p.status])).toEqual([['legacy', 'refused'], ['broken', 'refused'], ['hello', 'refused']]);
    expect(r.routes.map((x) => [x.path, x.error?.code])).toEqual([['/hello', 'dev_url_refused']]);
    expect(problems.map((p) => p.code)).toEqual(['incompatible_plugin', 'invalid_manifest', 'dev_url_refused']);
  });

  it('the first plugin keeps a contested route; the second is refused', async () => {
    const rival = manifest('rival', { contributions: { routes: [{ path: '/hello', component: 'Hello' }], widgets: [] } });
    const { loader, problems } = setup([helloManifest, rival], { hello: { Hello, HelloWidget }, rival: { Hello } });
    const r = await loader.load('alice@localhost');
    expect(r.routes.map((x) => x.pluginId)).toEqual(['hello']);
    expect(problems.map((p) => [p.code, p.pluginId])).toEqual([['contribution_refused', 'rival']]);
  });

  it('caches manifests and modules for the session and picks up a changed manifest', async () => {
    const { loader, importer, setDoc, fake } = setup([helloManifest], {
      hello: { Hello, HelloWidget },
      orders: { OrdersPage },
    });
    const first = await loader.load('alice@localhost');
    const second = await loader.load('alice@localhost');
    expect(second).toBe(first); // 304: same result object, nothing re-imported
    expect(importer).toHaveBeenCalledTimes(1);

    setDoc([helloManifest, ordersManifest], 'r2');
    const third = await loader.load('alice@localhost');
    expect(third.routes.map((x) => x.path)).toEqual(['/hello', '/orders']);
    expect(importer).toHaveBeenCalledTimes(2); // hello came from the module cache
    expect(fake.requests.filter((q) => q.url === '/api/plugins/manifests').map((q) => q.headers.get('if-none-match')))
      .toEqual([null, '"r1"', '"r1"']);
  });
});

/**
 * Development mode: a plugin whose bundle is served by its author's dev server (bundle.url)
 * is still loaded same-origin through the BFF bundle route.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login, startBff, type TestBff } from './support/bff.js';

const DEV_JS = 'export default { id: "devplug", hot: true };\n';
let bff: TestBff;
let devServer: http.Server;
let devUrl: string;

beforeAll(async () => {
  devServer = http.createServer((req, res) => {
    if (req.url === '/src/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(DEV_JS);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
  devUrl = `http://127.0.0.1:${(devServer.address() as AddressInfo).port}/src/index.js`;
  bff = await startBff({ NODE_ENV: 'development' });
  await bff.fixture.editPlugins((t) =>
    t.replace(
      '  acme.localhost:\n',
      `    - id: devplug\n      version: "0.0.1"\n      engine: { experience: ">=1.0.0 <2.0.0" }\n      bundle: { url: "${devUrl}" }\n      permissions: { api: [], sse: [] }\n      contributions:\n        routes:\n          - { path: /dev, component: DevPage, resource: plugin.route, action: view }\n  acme.localhost:\n`,
    ),
  );
  await eventually(async () => expect((await bff.http().get('/readyz')).body.revision.id).toBe(2), 'the dev plugin config');
});
afterAll(async () => {
  await bff?.close();
  await new Promise((r) => devServer?.close(r));
});

describe('a dev-server bundle (development only)', () => {
  it('is listed with devUrl and the same-origin BFF entry', async () => {
    const cookie = await login(bff);
    const res = await bff.http().get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie);
    const plugin = res.body.plugins.find((p: { id: string }) => p.id === 'devplug');
    expect(plugin).toMatchObject({ entry: '/api/plugins/bundle?entry=devplug%400.0.1&id=devplug', devUrl });
  });

  it('is proxied through the bundle route, never cached', async () => {
    const cookie = await login(bff);
    const res = await bff.http().get('/api/plugins/bundle?entry=devplug%400.0.1&id=devplug').set('Host', 'localhost').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toBe(DEV_JS);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  it('502 when the dev server is down', async () => {
    const cookie = await login(bff);
    await new Promise((r) => devServer.close(r));
    devServer.closeAllConnections();
    const res = await bff.http().get('/api/plugins/bundle?entry=devplug%400.0.1&id=devplug').set('Host', 'localhost').set('Cookie', cookie);
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('bundle_dev_server_unavailable');
    expect(res.text).not.toContain('127.0.0.1');
  });
});

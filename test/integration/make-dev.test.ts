/**
 * `make dev` as a developer uses it, on a scaffolded plugin outside the repository's plugins/:
 * the plugin is served from its dev server through the BFF's bundle route, a saved edit is in
 * the next fetch, an invalid plugins.yaml is reported against its own lines while the BFF keeps
 * serving, a plugin added while it runs gets a dev server, and SIGTERM stops every process.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/bff.js';
import { portClosed, startDevRunner, type DevRunner } from '../support/dev-runner.js';
import { pasteUnderTenant, printedBlock, runCli, scaffoldInTemp, type Scaffolded } from '../support/scaffold.js';

let s: Scaffolded;
let dev: DevRunner;
let cookie: string;

beforeAll(async () => {
  s = await scaffoldInTemp('my-plugin');
  dev = await startDevRunner({ PLUGINS_CONFIG: s.pluginsFile, GRANTS_CONFIG: s.grantsFile, DEV_PLUGINS_DIR: s.pluginsDir, DEV_DIR: path.join(s.dir, 'dev') });
  const login = await fetch(`${dev.url}/auth/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' }, body: JSON.stringify({ user: 'alice', roles: ['member', 'dashboard-user'] }) });
  expect(login.status).toBe(204);
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}, 120_000);

afterAll(async () => {
  dev?.kill();
  await s?.remove();
});

const get = (p: string) => fetch(`${dev.url}${p}`, { headers: { cookie } });
const bundle = async (id: string) => {
  const res = await get(`/api/plugins/bundle?entry=${id}&id=${id}`);
  return { status: res.status, text: await res.text() };
};
const manifests = async () => ((await (await get('/api/plugins/manifests')).json()) as { plugins: { id: string; devUrl?: string }[] }).plugins;

describe('make dev', () => {
  it('serves a plugin with sources from its dev server, the others from their pinned bundles', async () => {
    const devUrl = dev.pluginUrl('my-plugin');
    expect(devUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/index\.esm\.js$/);
    const listed = await manifests();
    expect(listed.find((p) => p.id === 'my-plugin')?.devUrl).toBe(devUrl);
    expect(listed.find((p) => p.id === 'hello')?.devUrl).toBeUndefined();
    const mine = await bundle('my-plugin');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('function MyPluginPage');
    expect((await bundle('hello')).status).toBe(200);
  });

  it('has a saved edit in the next bundle fetch', async () => {
    const file = path.join(s.pluginsDir, 'my-plugin/src/index.tsx');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace('<h1>My plugin</h1>', '<h1>My plugin, edited</h1>'));
    await eventually(async () => expect((await bundle('my-plugin')).text).toContain('My plugin, edited'), 'the rebuilt bundle', 1200);
  });

  it('reports an invalid plugins.yaml against its own lines and keeps the last config serving', async () => {
    const good = await readFile(s.pluginsFile, 'utf8');
    const derived = path.join(s.dir, 'dev/plugins.yaml');
    const before = await readFile(derived, 'utf8');
    const bad = good.replace('          - method: GET\n            path: /api/hello\n', '          - method: get\n            path: /api/hello\n');
    expect(bad).not.toBe(good);
    const line = bad.split('\n').findIndex((l) => l === '          - method: get') + 1;
    await writeFile(s.pluginsFile, bad);
    await eventually(() => expect(dev.output()).toContain(`[dev] ${s.pluginsFile}:${line}:21  tenants.localhost[1].permissions.api[0].method  method "get" must be written upper-case: "GET"`), 'the reported issue', 1200);
    expect(await readFile(derived, 'utf8')).toBe(before);
    expect((await bundle('my-plugin')).status).toBe(200);
    await writeFile(s.pluginsFile, good);
  });

  it('gives a plugin scaffolded while it runs a dev server once its entry is pasted', async () => {
    const created = await runCli(s.dir, ['new', 'second']);
    expect(created.code).toBe(0);
    await writeFile(s.pluginsFile, pasteUnderTenant(await readFile(s.pluginsFile, 'utf8'), 'localhost', printedBlock(created.out, 'Add to plugins.yaml')));
    await eventually(async () => expect((await manifests()).find((p) => p.id === 'second')?.devUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//), 'the new plugin in the manifests', 1200);
    const second = await bundle('second');
    expect(second.status).toBe(200);
    expect(second.text).toContain('function SecondPage');
  });

  it('stops every process it started on SIGTERM, exit 0', async () => {
    const servers = ['my-plugin', 'second'].map((id) => Number(new URL(dev.pluginUrl(id) as string).port));
    expect(await dev.stop('sigterm')).toBe(0);
    expect(dev.output()).toContain('[dev] stopped');
    for (const port of [dev.port, ...servers]) expect(await portClosed(port), `port ${port}`).toBe(true);
  });
});

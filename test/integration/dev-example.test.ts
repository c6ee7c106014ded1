/**
 * The commented `bundle.url` example in config/plugins.yaml works as written: uncommented it is
 * an entry the loader accepts in development mode, its URL is what scripts/web/dev-plugin.mjs
 * serves (on the example's port), and a development BFF serves that dev server's bundle through
 * its same-origin bundle route.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePluginsConfig } from '../../src/config/index.js';
import { eventually, login, startBff, type TestBff } from './support/bff.js';

let example: string;
let devServer: ChildProcess | undefined;
let printed = '';

beforeAll(async () => {
  const text = await readFile('config/plugins.yaml', 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('    # - id: my-plugin'));
  const end = lines.findIndex((l, i) => i > start && /^ {4}# +url: /.test(l));
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  example = `${lines.slice(start, end + 1).map((l) => l.replace(/^ {4}# /, '    ')).join('\n')}\n`;
  // The dev server the comment names, for a plugin that exists here, on a free port instead of 5173.
  devServer = spawn(process.execPath, ['scripts/web/dev-plugin.mjs', 'hello', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  devServer.stdout?.on('data', (d: Buffer) => (printed += d.toString()));
  devServer.stderr?.on('data', (d: Buffer) => (printed += d.toString()));
  await eventually(() => expect(printed).toMatch(/bundle\.url http:\/\/127\.0\.0\.1:\d+\/index\.esm\.js/), 'the dev server', 800);
}, 60_000);

afterAll(() => {
  devServer?.kill('SIGTERM');
});

const servedUrl = () => /bundle\.url (http:\/\/127\.0\.0\.1:\d+\/index\.esm\.js)/.exec(printed)?.[1] as string;

describe('the bundle.url example in config/plugins.yaml', () => {
  it('is an entry the loader accepts in development mode (and refuses elsewhere)', () => {
    const file = `tenants:\n  localhost:\n${example}`;
    const dev = parsePluginsConfig(file, { file: 'plugins.yaml', mode: 'development' });
    expect(dev.ok && dev.value.tenants['localhost']?.[0]?.bundle).toEqual({ url: 'http://127.0.0.1:5173/index.esm.js' });
    expect(parsePluginsConfig(file, { file: 'plugins.yaml', mode: 'production' }).ok).toBe(false);
  });

  it('names the URL dev-plugin.mjs serves, on the port the comment gives it', async () => {
    const url = new URL(servedUrl());
    expect(`${url.protocol}//${url.hostname}:5173${url.pathname}`).toBe('http://127.0.0.1:5173/index.esm.js');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('function Hello(');
  });

  describe('served through a development BFF', () => {
    let bff: TestBff;
    beforeAll(async () => {
      bff = await startBff({ NODE_ENV: 'development' });
      const entry = example.replace('id: my-plugin', 'id: devhello').replace('http://127.0.0.1:5173/index.esm.js', servedUrl());
      const contributions = '      contributions:\n        routes:\n          - { path: /devhello, component: Hello, resource: plugin.route, action: view }\n';
      await bff.fixture.editPlugins((t) => t.replace('  acme.localhost:\n', `${entry}${contributions}  acme.localhost:\n`));
      await eventually(async () => expect((await bff.http().get('/readyz')).body.revision.id).toBe(2), 'the example entry');
    });
    afterAll(async () => {
      await bff?.close();
    });

    it('is the bundle the browser gets, same-origin', async () => {
      const cookie = await login(bff);
      const res = await bff.http().get('/api/plugins/bundle?entry=devhello&id=devhello').set('Host', 'localhost').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(res.text).toContain('function Hello(');
    });
  });
});

/**
 * Production serves only bundles plugins.yaml vouches for: each carries a pin or the explicit
 * opt-out `integrity: none`. An unpinned bundle stops start-up (every one named with
 * file:line:col) and is refused at reload (the last good config keeps serving); `none` loads and
 * serves whatever bytes are there, where a pin refuses changed bytes with 409.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { eventually, login, startBff, unreachableProviderYaml, type TestBff } from './support/bff.js';
import { optOutUnpinned } from './support/fixture.js';

const PRODUCTION = { NODE_ENV: 'production', DEV_LOGIN: 'false', TEST_IDP_SECRET: 'test-secret' };

/** Where each unpinned bundle of the fixture config is (its `bundle` key). */
const UNPINNED = ['tenants.localhost[1]', 'tenants.localhost[2]', 'tenants.localhost[4]', 'tenants.localhost[5]', 'tenants.localhost[6]', 'tenants.acme.localhost[0]'];

interface Readyz {
  revision: { id: number };
  lastReload: { ok: boolean; issues?: { code: string; file: string; line: number; col: number; path: string; message: string }[] };
}

let bff: TestBff | undefined;
afterEach(async () => {
  await bff?.close();
  bff = undefined;
});

describe('production start-up', () => {
  it('refuses a config with unpinned bundles, naming every one with its position', async () => {
    let file = '';
    const error = await startBff(async (fixture) => {
      file = fixture.pluginsFile;
      return PRODUCTION;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual(UNPINNED.map((p) => `missing_integrity ${p}.bundle`));
    for (const issue of issues) {
      expect(issue.file).toBe(file);
      expect(issue.line).toBeGreaterThan(0);
      expect(issue.message).toMatch(/^plugin "[a-z]+" has no bundle\.integrity, which production requires: pin the bundle \(experience-plugins hash --write --add\), or write integrity: none to serve it unverified$/);
    }
  });

  it('starts once each unpinned bundle opts out with integrity: none', async () => {
    bff = await startBff(
      async (fixture) => {
        await fixture.editPlugins(optOutUnpinned);
        return PRODUCTION;
      },
      {},
      // Production needs an identity provider to start; this one is never reached.
      { identity: await unreachableProviderYaml() },
    );
    const readyz = await bff.http().get('/readyz');
    expect(readyz.status).toBe(200);
    expect((readyz.body as Readyz).lastReload.ok).toBe(true);
  });
});

describe('production reload', () => {
  it('refuses an edit that drops a pin: /readyz names it, the last good config keeps serving', async () => {
    bff = await startBff(
      async (fixture) => {
        await fixture.editPlugins(optOutUnpinned);
        return PRODUCTION;
      },
      {},
      // Production needs an identity provider to start; this one is never reached.
      { identity: await unreachableProviderYaml() },
    );
    const readyz = async () => (await bff!.metricsHttp().get('/readyz')).body as Readyz;
    const before = await readyz();
    // hello's pin (the first integrity line) removed, as a careless edit would.
    await bff.fixture.editPlugins((text) => text.replace(/\n +integrity: "sha256:[0-9a-f]{64}"\n/, '\n'));
    await eventually(async () => expect((await readyz()).lastReload.ok).toBe(false), 'the refused reload');
    const after = await readyz();
    expect(after.revision.id).toBe(before.revision.id);
    expect(after.lastReload.issues).toEqual([
      {
        code: 'missing_integrity',
        file: path.basename(bff.fixture.pluginsFile),
        line: 6,
        col: 7,
        path: 'tenants.localhost[0].bundle',
        message: 'plugin "hello" has no bundle.integrity, which production requires: pin the bundle (experience-plugins hash --write --add), or write integrity: none to serve it unverified',
      },
    ]);
  });
});

describe('integrity: none at the bundle route', () => {
  it('serves whatever bytes are there, where a pin refuses changed bytes (409)', async () => {
    // Test mode: the dev login signs in; the bundle route does not depend on the mode.
    bff = await startBff(async (fixture) => {
      await fixture.editPlugins(optOutUnpinned);
      return {};
    });
    const cookie = await login(bff);
    const bundle = (id: string) => bff!.http().get(`/api/plugins/bundle?entry=${id}&id=${id}`).set('Host', 'localhost').set('Cookie', cookie);
    const root = bff.fixture.pluginsRoot;
    const replace = async (id: string, version: string) => {
      const file = path.join(root, id, version, 'index.esm.js');
      await writeFile(file, `${await readFile(file, 'utf8')}export const changed = true;\n`);
    };
    expect((await bundle('orders')).status).toBe(200);
    expect((await bundle('hello')).status).toBe(200);
    await replace('orders', '2.1.0');
    await replace('hello', '1.0.0');
    const unverified = await bundle('orders');
    expect(unverified.status).toBe(200);
    expect(unverified.text).toContain('export const changed = true;');
    const pinned = await bundle('hello');
    expect(pinned.status).toBe(409);
    expect(pinned.headers['x-integrity-error']).toBe('1');
  });
});

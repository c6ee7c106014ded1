/**
 * identity.yaml at start-up and on reload: production needs a provider; a bad file is refused
 * with file:line:col; a provider that cannot be reached on a reload refuses the reload (the last
 * good state keeps serving) and a reachable one is swapped in with the rest of the snapshot.
 */
import { rename, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/index.js';
import { startDemoProvider, type DemoProvider } from '../../../src/demo/oidc-provider.js';
import { eventually, startBff, type TestBff } from '../support/bff.js';
import { optOutUnpinned, type Fixture } from '../support/fixture.js';

/** Production also requires bundle.integrity: the fixture's unpinned bundles opt out, so the identity check is what stops. */
function optedOut(env: Record<string, string>) {
  return async (fixture: Fixture) => {
    await fixture.editPlugins(optOutUnpinned);
    return env;
  };
}
import { closedPortUrl } from '../support/upstream.js';
import { TestBrowser } from './browser.js';
import { startFakeTokenEndpoint } from './fake-token-endpoint.js';
import { identityYaml, startOidcSetup, type OidcSetup } from './support.js';

describe('start-up', () => {
  it('production without any provider stops, naming what is missing', async () => {
    await expect(startBff(optedOut({ NODE_ENV: 'production', DEV_LOGIN: 'false' }))).rejects.toThrow(/no tenant has an identity provider.*identity\.yaml \(IDENTITY_CONFIG/);
  });

  it('production refuses a plain-http issuer, at file:line:col', async () => {
    const error = await startBff(optedOut({ NODE_ENV: 'production', DEV_LOGIN: 'false', S: 'x' }), {}, { identity: identityYaml({ tenant: 'localhost', issuer: 'http://127.0.0.1:9', clientId: 'c', secretEnv: 'S' }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ code: 'invalid_issuer', line: 4, col: 13, path: 'tenants.localhost.issuer' })]);
  });

  it('a secret variable that is not set stops start-up, naming the variable and where it is written', async () => {
    const error = await startBff({}, {}, { identity: identityYaml({ tenant: 'localhost', issuer: 'http://127.0.0.1:9', clientId: 'c', secretEnv: 'NOT_SET_ANYWHERE' }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ code: 'missing_secret_env', line: 6, path: 'tenants.localhost.clientSecret.env', message: expect.stringContaining('NOT_SET_ANYWHERE') });
  });

  it('a provider that cannot be reached does not stop start-up (its sign-in is 502 until it can be)', async () => {
    const issuer = await closedPortUrl();
    const bff = await startBff({ S: 'x' }, {}, { identity: identityYaml({ tenant: 'localhost', issuer, clientId: 'c', secretEnv: 'S' }) });
    try {
      expect((await bff.http().get('/auth/login').set('Host', 'localhost').set('Accept', 'application/json')).status).toBe(502);
      expect(bff.logs().some((l) => String(l['msg']).startsWith('identity provider unavailable') && l['tenant'] === 'localhost')).toBe(true);
      const providers = await bff.http().get('/auth/providers').set('Host', 'localhost');
      expect(providers.body).toEqual({ tenant: 'localhost', provider: { name: 'Demo ID', loginUrl: '/auth/login' }, devLogin: true });
    } finally {
      await bff.close();
    }
  });
});

describe('a reload that leaves identity.yaml alone', () => {
  it('does not contact the provider again (the discovered provider is reused)', async () => {
    const fake = await startFakeTokenEndpoint({ clientId: 'bff-fake' });
    const bff = await startBff({ FAKE_SECRET: fake.clientSecret }, {}, { identity: identityYaml({ tenant: 'localhost', issuer: fake.issuer, clientId: 'bff-fake', secretEnv: 'FAKE_SECRET' }) });
    try {
      expect(fake.discoveries).toBe(1);
      const before = bff.running.reloader.status().revision;
      await bff.fixture.editPlugins((text) => text.replace('path: /api/hello }', 'path: /api/hello }\n          - { method: GET, path: /api/hello/more }'));
      await eventually(() => {
        if (bff.running.reloader.status().revision.id === before.id) throw new Error('not reloaded yet');
      }, 'the plugins.yaml reload');
      expect(bff.running.reloader.status().revision.identity).toBe(before.identity);
      expect(fake.discoveries).toBe(1);
    } finally {
      await bff.close();
      await fake.close();
    }
  });
});

describe('reload', () => {
  let setup: OidcSetup;
  let other: DemoProvider;
  beforeAll(async () => {
    setup = await startOidcSetup();
    other = await startDemoProvider({ port: 0, clients: [{ clientId: 'bff-localhost', clientSecret: 'other-secret-0123456789', origins: [setup.origin] }] });
  });
  afterAll(async () => {
    await setup?.close();
    await other?.close();
  });

  async function writeIdentity(text: string): Promise<void> {
    const file = setup.bff.fixture.identityFile;
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  }

  const loginTarget = async () => new URL((await new TestBrowser().request(`${setup.origin}/auth/login`)).location!).origin;

  it('an unreachable issuer is reported and the last good provider keeps serving; a reachable one is swapped in', async () => {
    expect(await loginTarget()).toBe(setup.idp.issuer);
    const before = setup.bff.running.reloader.status();

    await writeIdentity(identityYaml({ tenant: 'localhost', issuer: await closedPortUrl(), clientId: 'bff-localhost', secretEnv: 'TEST_OIDC_SECRET' }));
    const failed = await eventually(() => {
      const status = setup.bff.running.reloader.status();
      if (status.failures === before.failures) throw new Error('no failed reload yet');
      return status;
    }, 'the refused reload');
    expect(failed.last).toMatchObject({ ok: false, trigger: 'identity', error: expect.stringMatching(/identity provider not reachable: localhost: discovery of http:\/\/127\.0\.0\.1:\d+ failed/) });
    expect(failed.revision).toEqual(before.revision);
    const readyz = await setup.bff.metricsHttp().get('/readyz');
    expect(readyz.body.lastReload).toMatchObject({ ok: false, trigger: 'identity' });
    expect(await loginTarget()).toBe(setup.idp.issuer);

    await writeIdentity(identityYaml({ tenant: 'localhost', issuer: other.issuer, clientId: 'bff-localhost', secretEnv: 'OTHER_SECRET' }).replace('OTHER_SECRET', 'TEST_OIDC_SECRET'));
    await eventually(async () => {
      if ((await loginTarget()) !== other.issuer) throw new Error('still the old provider');
    }, 'the new provider');
    const swapped = setup.bff.running.reloader.status();
    expect(swapped.last.ok).toBe(true);
    expect(swapped.revision.id).toBeGreaterThan(before.revision.id);
    expect(swapped.revision.identity).not.toBe(before.revision.identity);
    expect(swapped.revision.data).toBe(before.revision.data);
  });

  it('an invalid identity.yaml is refused with file:line:col; the last good state keeps serving', async () => {
    const before = setup.bff.running.reloader.status();
    await writeIdentity('tenants:\n  localhost:\n    name: x\n    issuer: https://idp.example\n    clientId: c\n    clientSecret: hunter2\n');
    const failed = await eventually(() => {
      const status = setup.bff.running.reloader.status();
      if (status.failures === before.failures) throw new Error('no failed reload yet');
      return status;
    }, 'the refused reload');
    expect(failed.last.issues).toEqual([expect.objectContaining({ code: 'schema', line: 6, col: 19, path: 'tenants.localhost.clientSecret' })]);
    expect(failed.revision).toEqual(before.revision);
  });
});

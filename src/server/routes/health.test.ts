import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PluginsConfig } from '../../config/types.js';
import type { ReloadStatus } from '../../engine/state.js';
import type { ReadinessDeps } from '../readiness/index.js';
import { TEST_CONFIG, testContext, testSnapshot } from '../testing/context.js';
import { healthzRoute, operatorsReadyzRoute, readyzRoute } from './health.js';

const REVISION = { id: 3, policy: 'aaaaaaaaaaaa', data: 'bbbbbbbbbbbb', config: 'cccccccccccc', identity: 'none', loadedAt: '2026-01-01T00:00:00.000Z' };

/** Everything the operators' view can show: a failed reload, a refused bundle, a disabled plugin, a store that is down. */
function detailedDeps(words: { reason: string; message: string; plugin: string; tenant: string; code: string }, ok = false): ReadinessDeps {
  const base = TEST_CONFIG.tenants['localhost']![0]!;
  const config: PluginsConfig = { ...TEST_CONFIG, tenants: { ...TEST_CONFIG.tenants, [words.tenant]: [{ ...base, id: words.plugin, disabled: { reason: words.reason } }] } };
  const issue = { code: words.code, file: `/etc/${words.tenant}/plugins.yaml`, line: 1, col: 1, path: `tenants.${words.tenant}`, message: words.message };
  const status: ReloadStatus = {
    revision: { ...REVISION, bundle: 'rev-7' },
    last: { at: '2026-01-01T00:00:01.000Z', ok, trigger: 'plugins', ...(ok ? { policyRefused: [issue] } : { issues: [issue] }) },
    failures: 4,
    bundle: { source: 'url', signed: true, revision: 'rev-7', refused: { [words.code]: 2 }, lastRefusal: { at: '2026-01-01T00:01:00.000Z', code: words.code, message: words.message } },
  };
  return {
    source: { status: () => status, current: () => testSnapshot({}, config) },
    lifecycle: { draining: false },
    redis: { state: 'down', since: 0 },
  };
}

async function call(route: (deps: ReadinessDeps) => ReturnType<typeof readyzRoute>, deps: ReadinessDeps) {
  const ctx = testContext({ url: '/readyz' });
  await route(deps)(ctx, async () => undefined);
  return { status: ctx.status, body: ctx.body as Record<string, unknown>, cache: ctx.response.get('Cache-Control') };
}

const WORDS = { reason: 'incident-4711 billing leak', message: 'bad indentation near secret-tenant.example', plugin: 'secret-plugin', tenant: 'secret-tenant.example', code: 'policy_bundle_unsigned' };

describe('healthzRoute', () => {
  it('says the process is up', async () => {
    const ctx = testContext({ url: '/healthz' });
    await healthzRoute()(ctx, async () => undefined);
    expect([ctx.status, ctx.body, ctx.response.get('Cache-Control')]).toEqual([200, { status: 'ok' }, 'no-store']);
  });
});

describe('readyzRoute (public)', () => {
  it.each([false, true])('answers the revision and the last reload\'s outcome only (last reload ok: %s)', async (ok) => {
    const res = await call(readyzRoute, detailedDeps(WORDS, ok));
    expect(res).toEqual({
      status: 200,
      cache: 'no-store',
      body: { ready: true, revision: { id: 3, policy: 'aaaaaaaaaaaa', bundle: 'rev-7', data: 'bbbbbbbbbbbb', config: 'cccccccccccc', loadedAt: '2026-01-01T00:00:00.000Z' }, lastReload: { ok, at: '2026-01-01T00:00:01.000Z' } },
    });
  });

  it('never shows a tenant, plugin, reason, message, code or the store, whatever they are', async () => {
    // Prefixed: a bare word could be a part of what the body shows anyway ("policy", "aaaaaa").
    const word = fc.stringMatching(/^[a-z0-9.-]{1,30}$/).map((w) => `q-${w}`);
    await fc.assert(
      fc.asyncProperty(fc.record({ reason: word, message: word, plugin: word, tenant: word, code: word }), fc.boolean(), async (words, ok) => {
        const text = JSON.stringify((await call(readyzRoute, detailedDeps(words, ok))).body);
        for (const secret of [...Object.values(words), 'down', 'stores', 'notices', 'issues', 'policyRefused', 'policyBundle', 'trigger', 'reloadFailures']) expect(text).not.toContain(secret);
      }),
      { numRuns: 50 },
    );
  });

  it('is 503 while draining, and 503 when nothing is loaded, with nothing else', async () => {
    const draining = { ...detailedDeps(WORDS), lifecycle: { draining: true } };
    expect(await call(readyzRoute, draining)).toEqual({ status: 503, cache: 'no-store', body: { ready: false, draining: true } });
    const broken = { ...detailedDeps(WORDS), source: { status: () => { throw new Error('none'); }, current: () => { throw new Error('none'); } } };
    expect(await call(readyzRoute, broken)).toEqual({ status: 503, cache: 'no-store', body: { ready: false } });
  });
});

describe('operatorsReadyzRoute', () => {
  it('answers the detailed status: issues, notices, the policy bundle and the store', async () => {
    const res = await call(operatorsReadyzRoute, detailedDeps(WORDS));
    expect(res).toMatchObject({
      status: 200,
      cache: 'no-store',
      body: {
        ready: true,
        lastReload: { ok: false, trigger: 'plugins', issues: [{ code: WORDS.code, file: 'plugins.yaml', message: WORDS.message }] },
        reloadFailures: 4,
        policyBundle: { refused: { [WORDS.code]: 2 }, lastRefusal: { code: WORDS.code } },
        stores: { redis: { state: 'down' } },
        notices: [{ code: 'plugin_disabled', tenant: WORDS.tenant, plugin: WORDS.plugin, reason: WORDS.reason }],
      },
    });
  });

  it('is 503 while draining, like the public one', async () => {
    expect(await call(operatorsReadyzRoute, { ...detailedDeps(WORDS), lifecycle: { draining: true } })).toEqual({ status: 503, cache: 'no-store', body: { ready: false, draining: true } });
  });
});

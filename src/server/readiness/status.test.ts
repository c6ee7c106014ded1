import { describe, expect, it } from 'vitest';
import type { ReloadStatus } from '../../engine/state.js';
import type { PluginsConfig } from '../../config/types.js';
import { TEST_CONFIG, testSnapshot } from '../testing/context.js';
import { readinessOf, type ReadinessDeps } from './status.js';

function status(overrides: Partial<ReloadStatus['last']> = {}): ReloadStatus {
  return {
    revision: { id: 3, policy: 'aaaaaaaaaaaa', data: 'bbbbbbbbbbbb', config: 'cccccccccccc', identity: 'none', loadedAt: '2026-01-01T00:00:00.000Z' },
    last: { at: '2026-01-01T00:00:01.000Z', ok: true, trigger: 'startup', ...overrides },
    failures: overrides.ok === false ? 1 : 0,
  };
}

/** `n` plugins of localhost, every one disabled. */
function disabledConfig(n: number): PluginsConfig {
  const base = TEST_CONFIG.tenants['localhost']![0]!;
  return { ...TEST_CONFIG, tenants: { localhost: Array.from({ length: n }, (_, i) => ({ ...base, id: `p${i}`, disabled: { reason: `reason ${i}` } })) } };
}

/** The operators' view, as the tests below read it. */
async function readyz(deps: Partial<ReadinessDeps>) {
  const { status, body } = readinessOf({ lifecycle: { draining: false }, redis: undefined, ...deps } as ReadinessDeps);
  return { status, body: body as Record<string, unknown> };
}

describe('readinessOf (the operators\' view)', () => {
  const source = (s: ReloadStatus) => ({ status: () => s, current: () => testSnapshot(), subscribe: () => () => undefined });

  it('is ready with the serving revision and the last reload', async () => {
    const res = await readyz({ source: source(status()) });
    expect(res).toMatchObject({ status: 200, body: { ready: true, revision: { id: 3 }, lastReload: { ok: true, trigger: 'startup' }, reloadFailures: 0 } });
  });

  it('names the files of a failed reload by name only, messages bounded, at most 20 issues', async () => {
    const issue = { code: 'schema', file: '/etc/secret/dir/plugins.yaml', line: 3, col: 5, path: 'tenants', message: 'x'.repeat(400) };
    const res = await readyz({ source: source(status({ ok: false, issues: Array.from({ length: 25 }, () => issue) })) });
    const last = res.body.lastReload as { issues: Array<{ file: string; message: string }>; moreIssues: number };
    expect(last.issues).toHaveLength(20);
    expect(last.moreIssues).toBe(5);
    expect(last.issues[0]?.file).toBe('plugins.yaml');
    expect(last.issues[0]?.message).toHaveLength(300);
    expect(JSON.stringify(res.body)).not.toContain('/etc/secret');
  });

  it('a reload that took the config with the last good policy shows the refused bundle, by file name only', async () => {
    const refused = { code: 'policy_bundle_unsigned', file: '/srv/secret/bundle.tar.gz', line: 0, col: 0, path: '', message: 'no .signatures.json' };
    const res = await readyz({ source: source(status({ trigger: 'plugins', policyRefused: [refused] })) });
    expect(res.body.lastReload).toEqual({
      ok: true,
      at: '2026-01-01T00:00:01.000Z',
      trigger: 'plugins',
      policyRefused: [{ code: 'policy_bundle_unsigned', file: 'bundle.tar.gz', line: 0, col: 0, path: '', message: 'no .signatures.json' }],
    });
    expect(JSON.stringify(res.body)).not.toContain('/srv/secret');
    // Without a refusal the field is absent.
    expect((await readyz({ source: source(status()) })).body.lastReload).not.toHaveProperty('policyRefused');
  });

  it('lists disabled plugins as notices with their reason, without making the BFF unready', async () => {
    const config = disabledConfig(2);
    const res = await readyz({ source: { ...source(status()), current: () => testSnapshot({}, config) } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ready: true, lastReload: { ok: true } });
    expect(res.body['notices']).toEqual([
      { code: 'plugin_disabled', tenant: 'localhost', plugin: 'p0', version: '1.0.0', reason: 'reason 0' },
      { code: 'plugin_disabled', tenant: 'localhost', plugin: 'p1', version: '1.0.0', reason: 'reason 1' },
    ]);
    expect(res.body).not.toHaveProperty('moreNotices');
  });

  it('has no notices when nothing is disabled, and at most 100', async () => {
    expect((await readyz({ source: source(status()) })).body['notices']).toEqual([]);
    const many = await readyz({ source: { ...source(status()), current: () => testSnapshot({}, disabledConfig(130)) } });
    expect(many.body['notices']).toHaveLength(100);
    expect(many.body['moreNotices']).toBe(30);
  });

  it('with a policy bundle: its revision, and its refusals by code and time, never a refusal\'s message', async () => {
    const bundle = {
      source: 'url' as const,
      signed: true,
      revision: 'rev-7',
      lastSuccessAt: '2026-01-01T00:00:00.000Z',
      refused: { policy_bundle_unreadable: 2 },
      lastRefusal: { at: '2026-01-01T00:01:00.000Z', code: 'policy_bundle_unreadable', message: 'the bundle server http://bundles.internal:8181 answered 503' },
    };
    const base = status();
    const res = await readyz({ source: source({ ...base, revision: { ...base.revision, bundle: 'rev-7' }, bundle }) });
    expect(res.body.revision).toMatchObject({ policy: 'aaaaaaaaaaaa', bundle: 'rev-7' });
    expect(res.body.policyBundle).toEqual({
      source: 'url',
      signed: true,
      revision: 'rev-7',
      lastSuccessAt: '2026-01-01T00:00:00.000Z',
      refused: { policy_bundle_unreadable: 2 },
      lastRefusal: { at: '2026-01-01T00:01:00.000Z', code: 'policy_bundle_unreadable' },
    });
    expect(JSON.stringify(res.body)).not.toContain('bundles.internal');
    // Without a bundle, neither field appears.
    const plain = await readyz({ source: source(status()) });
    expect(plain.body).not.toHaveProperty('policyBundle');
    expect(plain.body.revision).not.toHaveProperty('bundle');
  });

  it('with a shared store: its state and since when, still ready while it is down', async () => {
    const res = await readyz({ source: source(status()), redis: { state: 'down', since: Date.parse('2026-01-01T00:02:00.000Z') } });
    expect(res).toMatchObject({ status: 200, body: { ready: true, stores: { redis: { state: 'down', since: '2026-01-01T00:02:00.000Z' } } } });
    expect((await readyz({ source: source(status()) })).body).not.toHaveProperty('stores');
  });

  it('is 503 while draining, and 503 when nothing is loaded', async () => {
    expect(await readyz({ lifecycle: { draining: true } })).toMatchObject({ status: 503, body: { ready: false, draining: true } });
    const broken = { status: () => { throw new Error('none'); }, current: () => { throw new Error('none'); }, subscribe: () => () => undefined };
    expect(await readyz({ source: broken })).toMatchObject({ status: 503, body: { ready: false } });
  });
});

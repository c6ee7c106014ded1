import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginsConfig } from '../../config/types.js';
import { BundleStore } from '../bundles/store.js';
import type { AppDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics/index.js';
import { testContext, testSnapshot, testSource } from '../testing/context.js';
import { bundleRoute } from './bundle.js';

const JS = Buffer.from('export default {};\n');
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function plugin(id: string, version: string, integrity?: string) {
  return { id, version, engine: { experience: '>=1' }, bundle: { file: `/app/plugins/${id}/${version}/index.esm.js`, ...(integrity ? { integrity } : {}) }, permissions: { api: [], sse: [] }, contributions: { routes: [], widgets: [] } };
}

const config: PluginsConfig = {
  tenants: { localhost: [plugin('hello', '1.0.0', sha(JS)), plugin('pinned', '1.0.0', `sha256:${'0'.repeat(64)}`), plugin('legacy', '0.1.0')] },
  upstreams: [],
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xp-bundle-'));
  for (const [id, version] of [['hello', '1.0.0'], ['pinned', '1.0.0'], ['legacy', '0.1.0']]) {
    await mkdir(path.join(root, id!, version!), { recursive: true });
    await writeFile(path.join(root, id!, version!, 'index.esm.js'), JS);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fetchBundle(query: string, headers: Record<string, string> = {}) {
  // legacy is configured but not compatible: the contributions decision leaves it out.
  const snapshot = testSnapshot({ contributions: () => ({ plugins: [{ id: 'hello', version: '1.0.0', routes: [], widgets: [] }, { id: 'pinned', version: '1.0.0', routes: [], widgets: [] }] }) }, config);
  const metrics = createMetrics(testSource(snapshot), { defaultMetrics: false });
  const deps = {
    settings: { mode: 'production', pluginsRoot: root, pluginsMount: '/app/plugins', upstreamTimeoutMs: 100 },
    bundles: new BundleStore(),
    metrics,
    logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
  } as unknown as AppDeps;
  const ctx = testContext({ url: `/api/plugins/bundle?${query}`, headers });
  ctx.state.snapshot = snapshot;
  ctx.state.tenant = 'localhost';
  ctx.state.session = { sid: 's', user: 'alice', roles: [], tenant: 'localhost', iat: 0, exp: 2e9 };
  let error: unknown;
  try {
    await bundleRoute(deps)(ctx, async () => undefined);
  } catch (thrown) {
    error = thrown;
  }
  return { ctx, error, metrics };
}

describe('bundleRoute', () => {
  it.each(['entry=hello%401.0.0&id=hello', 'entry=hello&id=hello'])('serves the bundle for %s: JavaScript, nosniff, ETag, revalidated', async (query) => {
    const { ctx, error } = await fetchBundle(query);
    expect(error).toBeUndefined();
    expect(ctx.status).toBe(200);
    expect(Buffer.from(ctx.body as Uint8Array)).toEqual(JS);
    expect(ctx.response.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(ctx.response.get('X-Content-Type-Options')).toBe('nosniff');
    expect(ctx.response.get('Cache-Control')).toBe('private, no-cache');
    expect(ctx.state.log).toMatchObject({ route: 'bundle', plugin: 'hello' });
  });

  it('answers 304 to its ETag', async () => {
    const first = await fetchBundle('entry=hello&id=hello');
    const again = await fetchBundle('entry=hello&id=hello', { 'if-none-match': first.ctx.response.get('ETag') });
    expect(again.ctx.status).toBe(304);
  });

  it.each([
    ['another plugin in entry', 'entry=other%401.0.0&id=hello', 'invalid_query'],
    ['a third parameter', 'entry=hello&id=hello&x=1', 'invalid_query'],
    ['a repeated parameter', 'entry=hello&id=hello&id=hello', 'invalid_query'],
    ['a NUL', 'entry=hello%00&id=hello%00', 'invalid_query'],
    ['an empty version', 'entry=hello%40&id=hello', 'invalid_query'],
    ['another version', 'entry=hello%402.0.0&id=hello', 'bundle_not_found'],
    ['a plugin the tenant does not have', 'entry=ghost&id=ghost', 'bundle_not_found'],
    ['a prototype key', 'entry=__proto__&id=__proto__', 'bundle_not_found'],
    ['an incompatible plugin (not in the decision)', 'entry=legacy&id=legacy', 'bundle_not_found'],
  ])('refuses %s', async (_name, query, code) => {
    const { error } = await fetchBundle(query);
    expect(error).toMatchObject({ code });
  });

  it('refuses bytes that do not match bundle.integrity, counted', async () => {
    const { error, metrics } = await fetchBundle('entry=pinned&id=pinned');
    expect(error).toMatchObject({ name: 'IntegrityError', code: 'integrity_mismatch' });
    expect((await metrics.integrityFailures.get()).values).toEqual([{ value: 1, labels: { tenant: 'localhost', plugin: 'pinned' } }]);
  });
});

import { describe, expect, it } from 'vitest';
import type { PluginsConfig } from '../../config/types.js';
import type { ContributionsDecision, ContributionsInput } from '../../engine/types.js';
import type { AppDeps } from '../deps.js';
import { testContext, testSnapshot } from '../testing/context.js';
import { manifestsRoute } from './manifests.js';

const config: PluginsConfig = {
  tenants: {
    localhost: [
      { id: 'hello', version: '1.0.0', engine: { experience: '>=1' }, bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js', integrity: 'sha256:ab' }, permissions: { api: [], sse: [] }, contributions: { routes: [], widgets: [] } },
      { id: 'dev', version: '0.1.0', engine: { experience: '>=1' }, bundle: { url: 'http://localhost:5173/x.js' }, permissions: { api: [], sse: [] }, contributions: { routes: [], widgets: [] } },
    ],
  },
  upstreams: [],
};

const route = { path: '/hello', component: 'Hello', resource: 'plugin.route', action: 'view' };

async function manifests(decide: (input: ContributionsInput) => ContributionsDecision, mode = 'production', ifNoneMatch?: string) {
  const asked: ContributionsInput[] = [];
  const ctx = testContext({ url: '/api/plugins/manifests', headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} });
  ctx.state.snapshot = testSnapshot({ contributions: (input) => (asked.push(input), decide(input)) }, config);
  ctx.state.tenant = 'localhost';
  ctx.state.session = { sid: 's', user: 'bob', roles: ['member'], tenant: 'localhost', iat: 0, exp: 2e9 };
  let error: unknown;
  try {
    await manifestsRoute({ settings: { mode } } as AppDeps)(ctx, async () => undefined);
  } catch (thrown) {
    error = thrown;
  }
  return { ctx, asked, error };
}

const both = (): ContributionsDecision => ({
  plugins: [
    { id: 'dev', version: '0.1.0', routes: [], widgets: [] },
    { id: 'hello', version: '1.0.0', routes: [route], widgets: [] },
  ],
});

describe('manifestsRoute', () => {
  it('lists the decided plugins with the same-origin bundle route, integrity and the granted contributions', async () => {
    const { ctx, asked } = await manifests(both);
    expect(asked).toEqual([{ tenant: 'localhost', user: { id: 'bob', roles: ['member'] } }]);
    const body = JSON.parse(ctx.body as string) as { revision: string; plugins: unknown[] };
    expect(body.revision).toBe('1-p-d-c');
    expect(body.plugins).toEqual([
      { id: 'dev', version: '0.1.0', entry: '/api/plugins/bundle?entry=dev%400.1.0&id=dev', contributions: { routes: [], widgets: [] } },
      { id: 'hello', version: '1.0.0', entry: '/api/plugins/bundle?entry=hello%401.0.0&id=hello', integrity: 'sha256:ab', contributions: { routes: [route], widgets: [] } },
    ]);
    expect(ctx.response.get('Cache-Control')).toBe('private, no-cache');
    expect(ctx.response.get('Vary')).toBe('Cookie');
  });

  it('hands out a dev server URL only in development', async () => {
    const { ctx } = await manifests(both, 'development');
    expect((JSON.parse(ctx.body as string) as { plugins: Array<{ devUrl?: string }> }).plugins[0]?.devUrl).toBe('http://localhost:5173/x.js');
  });

  it('leaves out a decided plugin whose configured version differs (a policy older than the config)', async () => {
    const { ctx } = await manifests(() => ({ plugins: [{ id: 'hello', version: '0.9.0', routes: [], widgets: [] }] }));
    expect((JSON.parse(ctx.body as string) as { plugins: unknown[] }).plugins).toEqual([]);
  });

  it('answers 304 to its own ETag', async () => {
    const first = await manifests(both);
    const again = await manifests(both, 'production', first.ctx.response.get('ETag'));
    expect(again.ctx.status).toBe(304);
  });

  it('fails closed with 503 when the engine could not decide', async () => {
    const { error, ctx } = await manifests(() => ({ plugins: [], reason: 'evaluation_error' }));
    expect(error).toMatchObject({ code: 'decision_unavailable' });
    expect(ctx.state.log.reason).toBe('evaluation_error');
  });
});

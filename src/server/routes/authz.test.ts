import { describe, expect, it } from 'vitest';
import type { AuthzInput } from '../../engine/types.js';
import type { AppDeps } from '../deps.js';
import { testContext, testSnapshot } from '../testing/context.js';
import { authzRoute } from './authz.js';

async function evaluate(json: unknown, headers: Record<string, string> = {}) {
  const asked: AuthzInput[] = [];
  const ctx = testContext({ method: 'POST', url: '/api/authz/evaluate', json, headers });
  ctx.state.snapshot = testSnapshot({
    authz: (input) => {
      asked.push(input);
      return input.resource === 'orders.page' ? { allow: true, reason: 'granted' } : { allow: false, reason: 'not_granted' };
    },
  });
  ctx.state.tenant = 'localhost';
  ctx.state.session = { sid: 's', user: 'alice', roles: ['member'], tenant: 'localhost', iat: 0, exp: 2e9 };
  let error: unknown;
  try {
    await authzRoute({} as AppDeps)(ctx, async () => undefined);
  } catch (thrown) {
    error = thrown;
  }
  return { ctx, asked, error };
}

describe('authzRoute', () => {
  it('asks the policy for the session user, and answers {allow, reason} with 200, no-store', async () => {
    const { ctx, asked } = await evaluate({ resource: 'orders.page', action: 'view' }, { 'x-plugin-id': 'orders' });
    expect(asked).toEqual([{ tenant: 'localhost', subject: { id: 'alice', roles: ['member'] }, resource: 'orders.page', action: 'view' }]);
    expect(ctx.body).toEqual({ allow: true, reason: 'granted' });
    expect(ctx.response.get('Cache-Control')).toBe('no-store');
    expect(ctx.state.log).toMatchObject({ route: 'authz', plugin: 'orders', decision: 'allow', reason: 'granted' });
  });

  it('a denial is an answer, not an error', async () => {
    const { ctx, error } = await evaluate({ resource: 'secret', action: 'view' });
    expect(error).toBeUndefined();
    expect(ctx.body).toEqual({ allow: false, reason: 'not_granted' });
  });

  it.each([
    ['no action', { resource: 'a' }],
    ['a non-string resource', { resource: 1, action: 'view' }],
    ['a resource with spaces', { resource: 'a b', action: 'view' }],
    ['an array', [1, 2]],
  ])('refuses %s with 400 invalid_body before asking the policy', async (_name, body) => {
    const { asked, error } = await evaluate(body);
    expect(error).toMatchObject({ code: 'invalid_body' });
    expect(asked).toEqual([]);
  });

  it('logs a plugin id only when it looks like one (a log field, never an authorisation input)', async () => {
    const { ctx } = await evaluate({ resource: 'a', action: 'b' }, { 'x-plugin-id': 'no spaces allowed' });
    expect(ctx.state.log.plugin).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createDevIdentityProvider } from '../auth/dev-provider.js';
import type { AppDeps } from '../deps.js';
import { createSessions } from '../middleware/session/index.js';
import { MemorySessionStore } from '../sessions/memory-store.js';
import { testContext, testSnapshot } from '../testing/context.js';
import { loginRoute, logoutRoute, sessionRoute } from './auth.js';

function deps(): AppDeps {
  return {
    sessions: createSessions({ store: new MemorySessionStore({ max: 10 }), cookie: 'xp_session', maxAgeSeconds: 60, idleSeconds: 30, secure: false }),
    providers: new Map([['dev', createDevIdentityProvider()]]),
    settings: { mode: 'test', sessionIdleSeconds: 30 },
    streams: { closeSession: () => 0 },
  } as unknown as AppDeps;
}

function onTenant(spec: Parameters<typeof testContext>[0], provider?: string) {
  const ctx = testContext(spec);
  ctx.state.tenant = 'localhost';
  ctx.state.snapshot = testSnapshot();
  if (provider) (ctx as typeof ctx & { params: Record<string, string> }).params = { provider };
  return ctx;
}

describe('loginRoute', () => {
  it('signs in through the provider: 204, no-store, a session cookie and ctx.state.session', async () => {
    const ctx = onTenant({ method: 'POST', json: { user: 'alice', roles: ['member'] } }, 'dev');
    await loginRoute(deps())(ctx, async () => undefined);
    expect(ctx.status).toBe(204);
    expect(ctx.response.get('Cache-Control')).toBe('no-store');
    expect(String(ctx.res.getHeader('set-cookie'))).toMatch(/xp_session=.*httponly/i);
    expect(ctx.state.session).toMatchObject({ user: 'alice', roles: ['member'], tenant: 'localhost' });
  });

  it('is a 404 for a provider that is not configured', async () => {
    const ctx = onTenant({ method: 'POST', json: { user: 'alice' } }, 'oidc');
    await expect(loginRoute(deps())(ctx, async () => undefined)).rejects.toMatchObject({ code: 'not_found' });
    expect(ctx.res.getHeader('set-cookie')).toBeUndefined();
  });

  it('refuses an identity the provider refuses', async () => {
    const ctx = onTenant({ method: 'POST', json: { user: '../root' } }, 'dev');
    await expect(loginRoute(deps())(ctx, async () => undefined)).rejects.toMatchObject({ code: 'invalid_body' });
  });
});

describe('logoutRoute and sessionRoute', () => {
  it('says who is signed in, and logout clears the cookie (204 even without a session)', async () => {
    const d = deps();
    const ctx = onTenant({ method: 'POST', json: { user: 'alice', roles: ['member'] } }, 'dev');
    await loginRoute(d)(ctx, async () => undefined);
    await sessionRoute(d)(ctx, async () => undefined);
    expect(ctx.body).toEqual({
      user: 'alice',
      roles: ['member'],
      tenant: 'localhost',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      idleTimeoutSeconds: 30,
      provider: null,
      logoutUrl: '/auth/logout',
    });
    expect(ctx.response.get('Cache-Control')).toBe('no-store');

    const out = onTenant({ method: 'POST' });
    out.state.session = null;
    await logoutRoute(d)(out, async () => undefined);
    expect(out.status).toBe(204);
    expect(String(out.res.getHeader('set-cookie'))).toMatch(/xp_session=;/);
  });
});

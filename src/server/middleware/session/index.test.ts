import { describe, expect, it } from 'vitest';
import { testContext } from '../../testing/context.js';
import { createSessions, sessionOf } from './index.js';

const sessions = () => createSessions({ cookie: 'xp_session', maxAgeSeconds: 3600, secure: false });

/** Signs in on `tenant` and returns the Cookie header a browser would send back. */
function signIn(s: ReturnType<typeof sessions>, tenant = 'localhost'): string {
  const ctx = testContext();
  ctx.state.tenant = tenant;
  s.issue(ctx, { user: 'alice', roles: ['member', 'member'] });
  return ([] as string[]).concat(ctx.res.getHeader('set-cookie') as string[]).map((c) => c.split(';')[0]).join('; ');
}

function read(s: ReturnType<typeof sessions>, cookie: string | undefined, tenant = 'localhost') {
  const ctx = testContext({ headers: cookie ? { cookie } : {} });
  ctx.state.tenant = tenant;
  expect(s.read.run(ctx), 'cookie sessions are read synchronously').toBeUndefined();
  return ctx;
}

describe('sessions.read (the session step)', () => {
  it('reads a signed session of this tenant', () => {
    const s = sessions();
    const ctx = read(s, signIn(s));
    expect(sessionOf(ctx)).toMatchObject({ user: 'alice', roles: ['member'], tenant: 'localhost' });
  });

  it.each([
    ['no cookie', undefined],
    ['a forged value', 'xp_session=eyJ1c2VyIjoicm9vdCJ9; xp_session.sig=forged'],
    ['no signature', 'xp_session=eyJ1c2VyIjoicm9vdCJ9'],
  ])('is null with %s (never refuses: that is the signed-in step)', (_name, cookie) => {
    const ctx = read(sessions(), cookie);
    expect(ctx.state.session).toBeNull();
    expect(ctx.state.foreignSession).toBeUndefined();
  });

  it('marks a valid session of another tenant as foreign, without using it', () => {
    const s = sessions();
    const ctx = read(s, signIn(s, 'acme.localhost'));
    expect(ctx.state.session).toBeNull();
    expect(ctx.state.foreignSession).toBe(true);
  });

  it('treats an ended session as none, even with its cookie copied', () => {
    const s = sessions();
    const cookie = signIn(s);
    const ctx = read(s, cookie);
    s.end(ctx);
    expect(read(s, cookie).state.session).toBeNull();
  });

  it('declares what it needs and sets', () => {
    expect(sessions().read).toMatchObject({ name: 'session', needs: ['tenant'], sets: ['session', 'foreignSession'] });
  });
});

describe('sessions.require (the signed-in step)', () => {
  it('passes a request with a session', () => {
    const s = sessions();
    expect(() => s.require.run(read(s, signIn(s)))).not.toThrow();
  });

  it('is 401 unauthenticated without one, 403 session_tenant_mismatch with another tenant\'s', () => {
    const s = sessions();
    expect(() => s.require.run(read(s, undefined))).toThrow(expect.objectContaining({ code: 'unauthenticated', name: 'UnauthenticatedError' }));
    expect(() => s.require.run(read(s, signIn(s, 'acme.localhost')))).toThrow(expect.objectContaining({ code: 'session_tenant_mismatch', name: 'NotAllowedError' }));
  });
});

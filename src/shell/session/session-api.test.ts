import { describe, expect, it } from 'vitest';
import { createBatchingSink } from '../../sdk/telemetry/batching-sink.js';
import { devSignIn, fetchSignInOptions, providerLoginUrl, signOut } from './session-api.js';

function recorder(answer: () => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    return answer();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const header = (init: RequestInit, name: string) => new Headers(init.headers).get(name);

describe('the shell\'s own state-changing calls carry the CSRF header', () => {
  it('dev sign-in, sign-out and telemetry', async () => {
    const { calls, fetchImpl } = recorder(() => new Response(null, { status: 204 }));
    await devSignIn(fetchImpl, 'alice', ['member']);
    await signOut(fetchImpl);
    const sink = createBatchingSink({ fetch: fetchImpl, maxBatch: 1 });
    sink.send({ plugin: 'p', kind: 'event', name: 'x', ts: new Date(0).toISOString() });
    await sink.flush();
    expect(calls.map((c) => [c.url, c.init.method, header(c.init, 'X-Experience-Csrf')])).toEqual([
      ['/auth/dev/login', 'POST', '1'],
      ['/auth/logout', 'POST', '1'],
      ['/api/telemetry', 'POST', '1'],
    ]);
  });
});

describe('signOut', () => {
  it('returns the provider logout URL when the BFF answers one, else nothing', async () => {
    expect(await signOut(recorder(() => Response.json({ logoutUrl: 'https://idp.example/logout?x=1' })).fetchImpl)).toBe('https://idp.example/logout?x=1');
    expect(await signOut(recorder(() => new Response(null, { status: 204 })).fetchImpl)).toBeUndefined();
    expect(await signOut(recorder(() => Response.json({ logoutUrl: 42 })).fetchImpl)).toBeUndefined();
  });
});

describe('sign-in options', () => {
  it('reads the provider and builds the login URL back to the page the user was on', async () => {
    const options = await fetchSignInOptions(recorder(() => Response.json({ tenant: 'localhost', provider: { name: 'SSO', loginUrl: '/auth/login' }, devLogin: false })).fetchImpl);
    expect(options).toEqual({ tenant: 'localhost', provider: { name: 'SSO', loginUrl: '/auth/login' }, devLogin: false });
    expect(providerLoginUrl(options, '/orders?tab=1')).toBe('/auth/login?returnTo=%2Forders%3Ftab%3D1');
    expect(providerLoginUrl(options, '//evil.example')).toBe('/auth/login?returnTo=%2F');
    expect(providerLoginUrl({ ...options, provider: null }, '/')).toBeUndefined();
    const odd = await fetchSignInOptions(recorder(() => Response.json({ tenant: 'x', provider: { name: 1 } })).fetchImpl);
    expect(odd).toEqual({ tenant: 'x', provider: null, devLogin: false });
  });
});

/**
 * The session lookup alone, in this process: the server-side store (cookie id -> sha256 ->
 * store get -> idle/tenant checks) against the signed-cookie reader it replaced, on real Koa
 * contexts. A diagnostic beside the HTTP rows: far less noisy than a difference of two HTTP runs.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { createSessions, type Sessions } from '../../src/server/middleware/session/index.js';
import { MemorySessionStore } from '../../src/server/sessions/memory-store.js';
import type { BffContext } from '../../src/server/state.js';
import { createSignedCookieSessions } from './signed-cookie-sessions.js';

const app = new Koa({ keys: ['bench-session-key-0123456789abcdef0123456789'] });

function contextWith(cookie: string): BffContext {
  const req = new IncomingMessage(new Socket());
  req.headers = { cookie, host: 'localhost' };
  const ctx = app.createContext(req, new ServerResponse(req)) as unknown as BffContext;
  ctx.state.tenant = 'localhost';
  ctx.state.log = {};
  return ctx;
}

async function signedInCookie(sessions: Sessions): Promise<string> {
  const ctx = contextWith('');
  await sessions.issue(ctx, { user: 'bench', roles: ['member'] });
  return ([] as string[]).concat((ctx.res.getHeader('set-cookie') as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
}

async function perLookup(sessions: Sessions, cookie: string, n: number): Promise<number> {
  for (let i = 0; i < n / 10; i++) await sessions.read.run(contextWith(cookie));
  let started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) contextWith(cookie);
  const contextCost = Number(process.hrtime.bigint() - started) / n;
  started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const ctx = contextWith(cookie);
    await sessions.read.run(ctx);
    if (!ctx.state.session) throw new Error('session lookup failed');
  }
  return (Number(process.hrtime.bigint() - started) / n - contextCost) / 1000;
}

/** Best of `rounds` (µs per lookup) for each, interleaved so both see the same machine. */
export async function measureSessionLookup(n = 200_000, rounds = 3): Promise<{ storeUs: number; signedCookieUs: number }> {
  const store = createSessions({ store: new MemorySessionStore({ max: 1000 }), cookie: 'exp_session', maxAgeSeconds: 3600, idleSeconds: 3600, secure: false });
  const signed = createSignedCookieSessions({ cookie: 'exp_session', maxAgeSeconds: 3600 });
  const [storeCookie, signedCookie] = [await signedInCookie(store), await signedInCookie(signed)];
  let storeUs = Infinity;
  let signedCookieUs = Infinity;
  for (let r = 0; r < rounds; r++) {
    storeUs = Math.min(storeUs, await perLookup(store, storeCookie, n));
    signedCookieUs = Math.min(signedCookieUs, await perLookup(signed, signedCookie, n));
  }
  await store.store.close();
  await signed.store.close();
  return { storeUs, signedCookieUs };
}

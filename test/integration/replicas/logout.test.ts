/**
 * A session ended on one replica is ended on all of them: refused at the next request, and its
 * SSE streams on the other replicas closed within a second. For a logout on each replica in
 * turn, and for a back-channel logout from the provider (fake-token-endpoint as the provider:
 * its logout_token is signed with the key its JWKS publishes), whose `jti` is then spent on
 * every replica.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../oidc/browser.js';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from '../oidc/fake-token-endpoint.js';
import { identityYaml } from '../oidc/support.js';
import { call, devLogin } from '../support/client.js';
import { openSse, type SseClient } from '../support/sse.js';
import { startReplicas, type Replicas } from './support.js';

/** The requirement: every replica's streams of an ended session are closed within this. */
const CLOSED_WITHIN_MS = 1000;

const sessionStatus = async (port: number, cookie: string) => (await call(port, { path: '/auth/session', headers: { cookie } })).status;

async function streamsOn(replicas: Replicas, indexes: number[], cookie: string): Promise<SseClient[]> {
  const streams = await Promise.all(indexes.map((i) => openSse(`${replicas.origin(i)}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' })));
  for (const s of streams) expect(s.status).toBe(200);
  // Open for sure (the first frame arrived) before the session ends.
  await Promise.all(streams.map((s) => s.next(() => true)));
  return streams;
}

describe('three replicas, one Redis: logout', () => {
  let replicas: Replicas;
  beforeAll(async () => {
    replicas = await startReplicas();
  });
  afterAll(async () => {
    await replicas?.close();
  });

  it.each([0, 1, 2])('a logout on replica %i ends the session on every replica and closes its streams there', async (at) => {
    const ports = replicas.bffs.map((b) => b.port);
    const cookie = await devLogin(ports[(at + 1) % 3]!); // signed in on another replica than the logout's
    const others = [0, 1, 2].filter((i) => i !== at);
    const streams = await streamsOn(replicas, [0, 1, 2], cookie);
    for (const port of ports) expect(await sessionStatus(port, cookie)).toBe(200);

    const out = await call(ports[at]!, { method: 'POST', path: '/auth/logout', headers: { cookie, 'x-experience-csrf': '1' } });
    expect(out.status).toBe(204);
    await Promise.all(streams.map((s) => s.ended(CLOSED_WITHIN_MS)));
    for (const i of others) expect(streams[i]!.frames.some((f) => f.comment === 'session ended')).toBe(true);
    for (const port of ports) expect(await sessionStatus(port, cookie)).toBe(401);
    // No new stream for the ended session, on any replica.
    for (const i of [0, 1, 2]) expect((await openSse(`${replicas.origin(i)}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' })).status).toBe(401);
  });

  it('another session of the same user, and another user, are untouched', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    const [ending, same, other] = [await devLogin(ports[0]!), await devLogin(ports[1]!), await devLogin(ports[2]!, 'bob')];
    const streams = await streamsOn(replicas, [1, 2], same);
    await call(ports[0]!, { method: 'POST', path: '/auth/logout', headers: { cookie: ending, 'x-experience-csrf': '1' } });
    await new Promise((r) => setTimeout(r, CLOSED_WITHIN_MS));
    expect(streams.every((s) => !s.frames.some((f) => f.comment === 'session ended'))).toBe(true);
    for (const port of ports) {
      expect(await sessionStatus(port, same)).toBe(200);
      expect(await sessionStatus(port, other)).toBe(200);
    }
    for (const s of streams) s.close();
  });
});

describe('three replicas, one Redis: back-channel logout', () => {
  let replicas: Replicas;
  let fake: FakeTokenEndpoint;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeTokenEndpoint({ clientId: 'bff-fake' });
    fake.idToken = (r) => fake.sign(r, { sid: 'provider-session-1' });
    dir = await mkdtemp(path.join(tmpdir(), 'xp-replicas-identity-'));
    const identity = path.join(dir, 'identity.yaml');
    await writeFile(identity, identityYaml({ tenant: 'localhost', issuer: fake.issuer, clientId: 'bff-fake', secretEnv: 'FAKE_SECRET' }));
    // Persisted: the outage case below restarts Redis with the sessions in it.
    replicas = await startReplicas({ persist: true, env: { IDENTITY_CONFIG: identity, FAKE_SECRET: fake.clientSecret } });
  });
  afterAll(async () => {
    await replicas?.close();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Signs in through the provider: started on replica `from`, finished (the callback) on replica `to`. */
  async function signIn(from: number, to: number): Promise<string> {
    const browser = new TestBrowser();
    const start = await browser.request(`${replicas.origin(from)}/auth/login`);
    const { stoppedAt } = await browser.follow(start.location!, (next) => next.includes('/auth/callback'));
    const callback = new URL(stoppedAt!);
    const onOther = `${replicas.origin(to)}${callback.pathname}${callback.search}`;
    // The sign-in cookie is the browser's for `localhost` whatever the port: it goes to the other replica too.
    expect((await browser.request(onOther)).status).toBe(302);
    return browser.cookieHeader(replicas.origin(to));
  }

  it('a sign-in started on one replica finishes on another (the sealed sign-in cookie and its one use are shared)', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${replicas.origin(0)}/auth/login`);
    const { stoppedAt } = await browser.follow(start.location!, (next) => next.includes('/auth/callback'));
    const callback = new URL(stoppedAt!);
    const login = browser.cookieHeader(replicas.origin(0));
    expect((await browser.request(`${replicas.origin(1)}${callback.pathname}${callback.search}`)).status).toBe(302);
    // The same sealed sign-in replayed (its cookie kept by an attacker) to a third replica: refused.
    const replay = await call(replicas.bffs[2]!.port, { path: `${callback.pathname}${callback.search}`, headers: { cookie: login, accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body.toString()).code).toBe('login_state_missing');
  });

  it('ends the provider session on every replica, closes its streams everywhere, and its jti is spent on all of them', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    const first = await signIn(0, 1);
    const second = await signIn(2, 2);
    fake.idToken = (r) => fake.sign(r, { sub: 'user-2', preferred_username: 'bob', sid: 'provider-session-9' });
    const bob = await signIn(1, 0);
    fake.idToken = (r) => fake.sign(r, { sid: 'provider-session-1' });
    const streams = [...(await streamsOn(replicas, [0, 1, 2], first)), ...(await streamsOn(replicas, [0, 1], second))];
    const bobStreams = await streamsOn(replicas, [2], bob);

    const token = await fake.logoutToken();
    const post = (port: number) =>
      fetch(`http://localhost:${port}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }).toString() });
    expect((await post(ports[2]!)).status).toBe(200);
    await Promise.all(streams.map((s) => s.ended(CLOSED_WITHIN_MS)));
    for (const port of ports) {
      expect(await sessionStatus(port, first)).toBe(401);
      expect(await sessionStatus(port, second)).toBe(401);
      expect(await sessionStatus(port, bob)).toBe(200);
    }
    expect(bobStreams[0]!.frames.some((f) => f.comment === 'session ended')).toBe(false);
    // The same logout_token sent to another replica: already used.
    for (const port of [ports[0]!, ports[1]!]) {
      const replay = await post(port);
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { code: string }).code).toBe('invalid_logout_token');
    }
    bobStreams[0]!.close();
  });

  it('while Redis is down a logout_token is refused with 503 and not spent: the provider\'s retry after the outage is acted on', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    fake.idToken = (r) => fake.sign(r, { sub: 'user-3', preferred_username: 'carol', sid: 'provider-session-3' });
    const cookie = await signIn(0, 0);
    fake.idToken = (r) => fake.sign(r, { sid: 'provider-session-1' });
    const token = await fake.logoutToken({ sub: 'user-3', sid: 'provider-session-3' });
    const post = () => fetch(`http://localhost:${ports[1]!}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }).toString() });
    await replicas.redis.stop();
    try {
      await expect.poll(async () => ((await replicas.readyz(1)).body['stores'] as { redis: { state: string } }).redis.state).toBe('down');
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe('session_store_unavailable');
    } finally {
      await replicas.redis.start();
    }
    for (let i = 0; i < 3; i++) await expect.poll(async () => ((await replicas.readyz(i)).body['stores'] as { redis: { state: string } }).redis.state, { timeout: 10_000 }).toBe('up');
    expect(await sessionStatus(ports[2]!, cookie)).toBe(200);
    expect((await post()).status).toBe(200);
    for (const port of ports) expect(await sessionStatus(port, cookie)).toBe(401);
  });
});

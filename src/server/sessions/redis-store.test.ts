/**
 * The Redis session store against a real redis-server (test/support/redis-server.ts): the same
 * contract as the in-memory store, what two replicas see of each other's writes, TTLs, tokens
 * at rest, ended sessions announced, and failing closed when Redis stops or hangs.
 */
import { Writable } from 'node:stream';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../test/support/redis-hooks.js';
import { createLogger } from '../logger.js';
import { StoreUnavailableError } from '../errors.js';
import { connectRedis, type RedisConnection } from '../redis/index.js';
import { watchSessionEnds } from './ended.js';
import { ENDED_CHANNEL, RedisSessionStore } from './redis-store.js';
import type { SessionRecord } from './types.js';

const logger = createLogger({ level: 'silent' });
const KEYS = ['r'.repeat(32)];
const now = () => Math.floor(Date.now() / 1000);
const idp = (sub: string, sid?: string) => ({ issuer: 'https://idp', sub, ...(sid ? { sid } : {}) });

function record(sid: string, provider?: SessionRecord['provider'], lifetime = 3600, extra: Partial<SessionRecord> = {}): SessionRecord {
  return { sid, user: 'u', roles: ['member'], tenant: 't', createdAt: now(), expiresAt: now() + lifetime, lastSeenAt: now(), ...(provider ? { provider } : {}), ...extra };
}

const shared = useRedisServer();

async function connect(options: { timeoutMs?: number } = {}): Promise<RedisConnection> {
  const redis = await connectRedis({ url: shared.server.url, logger, timeoutMs: options.timeoutMs ?? 500, connectTimeoutMs: 5000, startDegraded: false, healthCheckMs: 100 });
  shared.track(redis);
  return redis;
}

async function storeOn(redis?: RedisConnection, idleSeconds = 600): Promise<RedisSessionStore> {
  return new RedisSessionStore({ redis: redis ?? (await connect()), keys: KEYS, idleSeconds, logger });
}

const plainClient = (url: string) => createClient({ url });
const rawClients: Array<ReturnType<typeof plainClient>> = [];
/** A plain client, as an operator's redis-cli: closed after each test. */
async function raw() {
  const client = plainClient(shared.server.url);
  client.on('error', () => undefined);
  await client.connect();
  rawClients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(rawClients.splice(0).map((c) => c.close()));
});

describe('RedisSessionStore: the SessionStore contract', () => {
  it('gets, touches and deletes by key', async () => {
    const store = await storeOn();
    await store.set('k1', record('s1'));
    expect((await store.get('k1'))?.sid).toBe('s1');
    await store.touch('k1', now() + 5);
    expect((await store.get('k1'))?.lastSeenAt).toBe(now() + 5);
    await store.touch('missing', 1);
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.delete('k1')).toMatchObject({ sid: 's1', user: 'u', roles: ['member'], tenant: 't' });
    expect(await store.get('k1')).toBeUndefined();
    expect(await store.delete('k1')).toBeUndefined();
  });

  it('finds sessions by the provider sid, or every session of a sub; the index follows deletes and replacements', async () => {
    const store = await storeOn();
    await store.set('a', record('s1', idp('alice', 'p1')));
    await store.set('b', record('s2', idp('alice', 'p1')));
    await store.set('c', record('s3', idp('alice', 'p2')));
    await store.set('d', record('s4', idp('bob', 'p3')));
    await store.set('e', record('s5'));
    const find = (q: { sid?: string; sub?: string; tenant?: string; issuer?: string }) => store.findByProvider({ tenant: 't', issuer: 'https://idp', ...q }).then((k) => k.sort());
    expect(await find({ sid: 'p1' })).toEqual(['a', 'b']);
    expect(await find({ sub: 'alice' })).toEqual(['a', 'b', 'c']);
    expect(await find({ sid: 'p1', sub: 'alice' })).toEqual(['a', 'b']);
    expect(await find({ sid: 'p1', sub: 'bob' })).toEqual([]);
    expect(await find({ sid: 'p1', tenant: 'other' })).toEqual([]);
    expect(await find({ sub: 'alice', issuer: 'https://other-idp' })).toEqual([]);
    expect(await find({})).toEqual([]);
    await store.delete('a');
    expect(await find({ sid: 'p1' })).toEqual(['b']);
    await store.set('b', record('s2', idp('carol', 'p9')));
    expect(await find({ sub: 'alice' })).toEqual(['c']);
    expect(await find({ sub: 'carol' })).toEqual(['b']);
    expect(await find({ sid: 'p1' })).toEqual([]);
  });

  it.each([
    ['a \\u0000 in sub', 'a\u0000sid\u0000b'],
    ['a very long sub', 'x'.repeat(5000)],
    ['unicode', 'ü🙂'],
  ])('keeps index names apart whatever the provider sends: %s', async (_what, sub) => {
    const store = await storeOn();
    await store.set('k', record('s', idp(sub, 'p')));
    await store.set('other', record('o', idp('a', `sid\u0000${sub}`)));
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sub })).toEqual(['k']);
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sid: 'p', sub })).toEqual(['k']);
  });
});

describe('RedisSessionStore: shared by replicas', () => {
  it('what one replica writes, touches or deletes, another sees at once', async () => {
    const [one, two] = [await storeOn(), await storeOn()];
    await one.set('k', record('s1', idp('alice', 'p1')));
    expect((await two.get('k'))?.sid).toBe('s1');
    await two.touch('k', now() + 3);
    expect((await one.get('k'))?.lastSeenAt).toBe(now() + 3);
    expect(await one.findByProvider({ tenant: 't', issuer: 'https://idp', sid: 'p1' })).toEqual(['k']);
    expect(await two.delete('k')).toMatchObject({ sid: 's1' });
    expect(await one.get('k')).toBeUndefined();
    expect(await one.delete('k')).toBeUndefined(); // only one replica gets the record back
  });

  it('a delete is announced to every replica, once per session that existed', async () => {
    const store = await storeOn();
    const heard: string[][] = [[], []];
    const stops = [watchSessionEnds(await connect(), (sid) => heard[0]!.push(sid), logger), watchSessionEnds(await connect(), (sid) => heard[1]!.push(sid), logger)];
    await new Promise((r) => setTimeout(r, 200)); // subscribed
    await store.set('k', record('s-ended'));
    await store.delete('k');
    await store.delete('k');
    await expect.poll(() => heard.map((h) => h.filter((s) => s === 's-ended').length)).toEqual([1, 1]);
    for (const stop of stops) await stop();
  });
});

describe('RedisSessionStore: expiry', () => {
  it('a record lives until its idle or absolute end, whichever is first; touch extends the idle end only', async () => {
    const store = await storeOn(undefined, 600);
    const client = await raw();
    await store.set('abs', record('s1', idp('a', 'p'), 120));
    await store.set('idle', record('s2', undefined, 3600));
    const ttl = async (k: string) => Math.round(Number(await client.pTTL(`xp:s:${k}`)) / 1000);
    expect(await ttl('abs')).toBeGreaterThanOrEqual(119);
    expect(await ttl('abs')).toBeLessThanOrEqual(121);
    expect(await ttl('idle')).toBeGreaterThanOrEqual(599);
    expect(await ttl('idle')).toBeLessThanOrEqual(601);
    await store.touch('idle', now() + 100);
    expect(await ttl('idle')).toBeGreaterThanOrEqual(699);
    await store.touch('abs', now() + 100);
    expect(await ttl('abs')).toBeLessThanOrEqual(121); // never past the absolute end
  });

  it('a record Redis expired is gone from get and from the index', async () => {
    const store = await storeOn();
    const client = await raw();
    await store.set('k', record('s1', idp('alice', 'p1')));
    await client.del('xp:s:k'); // what its TTL does
    expect(await store.get('k')).toBeUndefined();
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sub: 'alice' })).toEqual([]);
  });
});

describe('RedisSessionStore: provider tokens at rest', () => {
  const tokens = { accessToken: 'access-token-secret-value', refreshToken: 'refresh-token-secret-value', idToken: 'id.token.value', accessTokenExpiresAt: now() + 300 };

  it('are sealed in Redis and opened on get; a record moved to another key does not open', async () => {
    const store = await storeOn();
    const client = await raw();
    await store.set('k', record('s1', idp('alice'), 3600, { tokens }));
    const stored = await client.hGetAll('xp:s:k');
    expect(JSON.stringify(stored)).not.toContain('secret-value');
    expect(JSON.stringify(stored)).not.toContain('id.token.value');
    expect((await store.get('k'))?.tokens).toEqual(tokens);
    await client.copy('xp:s:k', 'xp:s:elsewhere');
    expect(await store.get('elsewhere')).toBeUndefined();
    const other = new RedisSessionStore({ redis: await connect(), keys: ['z'.repeat(32)], idleSeconds: 600, logger });
    expect(await other.get('k')).toBeUndefined(); // sealed with a key this replica does not have
  });
});

describe('RedisSessionStore: fails closed', () => {
  const calls: Array<[string, (s: RedisSessionStore) => Promise<unknown>]> = [
    ['get', (s) => s.get('k')],
    ['set', (s) => s.set('k', record('s1'))],
    ['touch', (s) => s.touch('k', now())],
    ['delete', (s) => s.delete('k')],
    ['findByProvider', (s) => s.findByProvider({ tenant: 't', issuer: 'https://idp', sub: 'alice' })],
  ];

  it.each(calls)('%s rejects with session_store_unavailable while Redis is stopped, and works again once it is back', async (_name, call) => {
    const redis = await connect();
    const store = await storeOn(redis);
    await store.set('k', record('s1', idp('alice')));
    await shared.server.stop();
    await expect.poll(() => redis.state).toBe('down');
    await expect(call(store)).rejects.toSatisfy((e) => e instanceof StoreUnavailableError && e.code === 'session_store_unavailable');
    await shared.server.start();
    await expect.poll(() => redis.state, { timeout: 10_000 }).toBe('up');
    await expect(call(store)).resolves.not.toThrow();
  });

  it('a Redis that stops answering (CLIENT PAUSE, as a hung server) is bounded by the timeout, then refused at once until it answers', async () => {
    const redis = await connect({ timeoutMs: 200 });
    const store = await storeOn(redis);
    await store.set('k', record('s1'));
    const client = await raw();
    // CLIENT PAUSE holds every client's commands, as a hung server would.
    await client.sendCommand(['CLIENT', 'PAUSE', '3000', 'ALL']);
    const started = Date.now();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2500); // bounded by the timeout, not the pause
    expect(redis.state).toBe('down');
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await client.sendCommand(['CLIENT', 'UNPAUSE']);
    await expect.poll(() => redis.state, { timeout: 5000 }).toBe('up');
    expect((await store.get('k'))?.sid).toBe('s1');
  });
});

describe('watchSessionEnds after an outage', () => {
  it('catches up on sessions ended while its subscriber was away', async () => {
    const store = await storeOn();
    const lines: string[] = [];
    const capture = createLogger({ level: 'info', destination: new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } }) });
    const heard: string[] = [];
    const stop = watchSessionEnds(await connect(), (sid) => heard.push(sid), capture);
    await new Promise((r) => setTimeout(r, 200));
    await store.set('before', record('s-before'));
    await store.delete('before');
    await expect.poll(() => heard).toContain('s-before');
    // The watcher's subscriber connection is cut and cannot come back (new connections are
    // refused: connections already made stay), while a session ends; then Redis lets it back.
    const client = await raw();
    await client.sendCommand(['ACL', 'SETUSER', 'default', 'off']);
    try {
      await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      await new Promise((r) => setTimeout(r, 300));
      await store.set('during', record('s-during'));
      await store.delete('during');
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).not.toContain('s-during');
    } finally {
      await client.sendCommand(['ACL', 'SETUSER', 'default', 'on']);
    }
    await expect.poll(() => heard, { timeout: 10_000 }).toContain('s-during');
    expect(heard.filter((s) => s === 's-during')).toHaveLength(1);
    expect(lines.some((l) => l.includes('caught up on sessions ended while the subscriber was away'))).toBe(true);
    await stop();
  });

  it('ignores messages that are not `<ms> <sid>`', async () => {
    const heard: string[] = [];
    const stop = watchSessionEnds(await connect(), (sid) => heard.push(sid), logger);
    await new Promise((r) => setTimeout(r, 200));
    const client = await raw();
    for (const m of ['', 'nosid', ' sid', 'abc sid', '12 ']) await client.publish(ENDED_CHANNEL, m);
    await client.publish(ENDED_CHANNEL, '12 ok');
    await expect.poll(() => heard).toEqual(['ok']);
    await stop();
  });
});

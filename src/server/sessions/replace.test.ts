/**
 * `replace`, the write a token refresh makes: only over a record that still exists, in both
 * stores (the Redis one against a real redis-server), so a session ended meanwhile (a logout on
 * another replica during the provider call) is not brought back, index entries included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../test/support/redis-server.js';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisConnection } from '../redis/index.js';
import { MemorySessionStore } from './memory-store.js';
import { RedisSessionStore } from './redis-store.js';
import type { SessionRecord, SessionStore } from './types.js';

const logger = createLogger({ level: 'silent' });
const now = () => Math.floor(Date.now() / 1000);
const record = (accessToken: string, lifetime = 3600): SessionRecord => ({
  sid: 's1', user: 'u', roles: ['member'], tenant: 't', createdAt: now(), expiresAt: now() + lifetime, lastSeenAt: now(),
  provider: { issuer: 'https://idp', sub: 'alice', sid: 'p1' },
  tokens: { accessToken, refreshToken: `r-${accessToken}` },
});

let server: RedisServer;
let redis: RedisConnection;
beforeAll(async () => {
  server = await startRedis();
  redis = await connectRedis({ url: server.url, logger, timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false });
});
afterAll(async () => {
  await redis?.close();
  await server?.close();
});

const stores: Array<[string, () => SessionStore]> = [
  ['memory', () => new MemorySessionStore({ max: 10 })],
  ['redis', () => new RedisSessionStore({ redis, keys: ['r'.repeat(32)], idleSeconds: 600, logger })],
];

describe.each(stores)('%s store: replace', (_name, make) => {
  it('replaces a record that exists', async () => {
    const store = make();
    await store.set('k-live', record('at-0'));
    expect(await store.replace('k-live', record('at-1'))).toBe(true);
    expect((await store.get('k-live'))?.tokens?.accessToken).toBe('at-1');
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sid: 'p1' })).toContain('k-live');
  });

  it('writes nothing for a record that is gone (ended, or never there): no record, no index entry', async () => {
    const store = make();
    await store.set('k-ended', record('at-0'));
    await store.delete('k-ended');
    expect(await store.replace('k-ended', record('at-1'))).toBe(false);
    expect(await store.replace('k-never', record('at-1'))).toBe(false);
    expect(await store.get('k-ended')).toBeUndefined();
    expect(await store.get('k-never')).toBeUndefined();
    const found = await store.findByProvider({ tenant: 't', issuer: 'https://idp', sub: 'alice' });
    expect(found).not.toContain('k-ended');
    expect(found).not.toContain('k-never');
  });
});

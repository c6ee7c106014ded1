import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from './memory-store.js';
import type { SessionRecord } from './types.js';

const now = () => Math.floor(Date.now() / 1000);

function record(sid: string, provider?: SessionRecord['provider'], lifetime = 3600): SessionRecord {
  return { sid, user: 'u', roles: [], tenant: 't', createdAt: now(), expiresAt: now() + lifetime, lastSeenAt: now(), ...(provider ? { provider } : {}) };
}

const idp = (sub: string, sid?: string) => ({ issuer: 'https://idp', sub, ...(sid ? { sid } : {}) });

afterEach(() => {
  vi.useRealTimers();
});

describe('MemorySessionStore', () => {
  it('gets, touches and deletes by key', async () => {
    const store = new MemorySessionStore({ max: 10 });
    await store.set('k1', record('s1'));
    expect((await store.get('k1'))?.sid).toBe('s1');
    await store.touch('k1', 42);
    expect((await store.get('k1'))?.lastSeenAt).toBe(42);
    await store.touch('missing', 1);
    expect(await store.delete('k1')).toMatchObject({ sid: 's1' });
    expect(await store.get('k1')).toBeUndefined();
    expect(await store.delete('k1')).toBeUndefined();
    await store.close();
  });

  it('finds sessions by the provider sid, or every session of a sub; the index follows deletes and replacements', async () => {
    const store = new MemorySessionStore({ max: 10 });
    await store.set('a', record('s1', idp('alice', 'p1')));
    await store.set('b', record('s2', idp('alice', 'p1')));
    await store.set('c', record('s3', idp('alice', 'p2')));
    await store.set('d', record('s4', idp('bob', 'p3')));
    await store.set('e', record('s5'));
    const find = (q: { sid?: string; sub?: string; tenant?: string; issuer?: string }) => store.findByProvider({ tenant: 't', issuer: 'https://idp', ...q }).then((k) => k.sort());
    expect(await find({ sid: 'p1' })).toEqual(['a', 'b']);
    expect(await find({ sub: 'alice' })).toEqual(['a', 'b', 'c']);
    expect(await find({ sid: 'p1', sub: 'alice' })).toEqual(['a', 'b']);
    expect(await find({ sid: 'p1', sub: 'bob' })).toEqual([]); // a sid never crosses users
    expect(await find({ sid: 'p1', tenant: 'other' })).toEqual([]);
    expect(await find({ sub: 'alice', issuer: 'https://other-idp' })).toEqual([]);
    expect(await find({})).toEqual([]);
    await store.delete('a');
    expect(await find({ sid: 'p1' })).toEqual(['b']);
    await store.set('b', record('s2', idp('carol', 'p9')));
    expect(await find({ sub: 'alice' })).toEqual(['c']);
    expect(await find({ sub: 'carol' })).toEqual(['b']);
    await store.close();
  });

  it('drops the least recently used session past max, and its index entries with it', async () => {
    const store = new MemorySessionStore({ max: 2 });
    await store.set('a', record('s1', idp('alice')));
    await store.set('b', record('s2', idp('bob')));
    await store.get('a');
    await store.set('c', record('s3', idp('carol')));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sub: 'bob' })).toEqual([]);
    expect(store.size).toBe(2);
    await store.close();
  });

  it('forgets a session at its absolute end', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const store = new MemorySessionStore({ max: 10 });
    await store.set('a', record('s1', idp('alice', 'p1'), 60));
    vi.setSystemTime(Date.now() + 59_000);
    expect(await store.get('a')).toBeDefined();
    vi.setSystemTime(Date.now() + 2_000);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.findByProvider({ tenant: 't', issuer: 'https://idp', sid: 'p1' })).toEqual([]);
    await store.close();
  });
});

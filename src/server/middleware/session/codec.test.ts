import { describe, expect, it } from 'vitest';
import { decodeSession, encodeSession } from './codec.js';

const session = { sid: 'abcdefghijklmnopqrstuvwx', user: 'alice', roles: ['member'], tenant: 'localhost', iat: 100, exp: 200 };

describe('session codec', () => {
  it('round-trips', () => {
    expect(decodeSession(encodeSession(session), 150)).toEqual(session);
  });
  it('treats expired, malformed or oversized values as no session', () => {
    expect(decodeSession(encodeSession(session), 200)).toBeNull();
    expect(decodeSession('not base64!', 0)).toBeNull();
    expect(decodeSession(Buffer.from('[]').toString('base64url'), 0)).toBeNull();
    expect(decodeSession(encodeSession({ ...session, user: 'a b' }), 150)).toBeNull();
    expect(decodeSession(encodeSession({ ...session, roles: [1 as unknown as string] }), 150)).toBeNull();
    expect(decodeSession('a'.repeat(5000), 0)).toBeNull();
    expect(decodeSession(undefined, 0)).toBeNull();
  });
});

/**
 * Server-side sessions end after the idle timeout (no request for SESSION_IDLE_S) and at their
 * absolute lifetime (SESSION_MAX_AGE_S) whatever the activity. The clock is moved with fake
 * Date (the BFF runs in this process).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { login, startBff, type TestBff } from './support/bff.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startBff({ SESSION_IDLE_S: '60', SESSION_MAX_AGE_S: '180' });
});
afterAll(async () => {
  await bff?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const status = async (cookie: string) => (await bff.http().get('/auth/session').set('Host', 'localhost').set('Cookie', cookie)).status;

describe('session lifetime', () => {
  it('ends after the idle timeout', async () => {
    const cookie = await login(bff);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 59_000);
    expect(await status(cookie)).toBe(200);
    vi.setSystemTime(Date.now() + 61_000); // 61 s after the last request
    expect(await status(cookie)).toBe(401);
    vi.setSystemTime(Date.now() - 120_000);
    expect(await status(cookie)).toBe(401); // gone, not only hidden
  });

  it('activity keeps it alive until the absolute lifetime, not beyond', async () => {
    const cookie = await login(bff);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    for (const at of [40, 80, 120, 160]) {
      vi.setSystemTime(start + at * 1000);
      expect(await status(cookie), `${at} s`).toBe(200);
    }
    vi.setSystemTime(start + 181_000);
    expect(await status(cookie)).toBe(401);
  });

  it('says when it ends', async () => {
    const before = Date.now();
    const cookie = await login(bff);
    const res = await bff.http().get('/auth/session').set('Host', 'localhost').set('Cookie', cookie);
    const ends = Date.parse(res.body.expiresAt);
    expect(ends).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 180_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 180_000);
    expect(res.body.idleTimeoutSeconds).toBe(60);
  });
});

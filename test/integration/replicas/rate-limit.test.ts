/**
 * A plugin's rate limit per tenant holds across replicas: three replicas sharing Redis allow
 * the configured rate once, not three times. Calls are offered to the three replicas at more
 * than the rate; the allowed ones are counted over the measured window (after the
 * bucket's initial capacity is used up) against rate x window. At 10/s every token is a Redis
 * call; at 150/s replicas take leases of 3 tokens (see ratelimit/redis.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devLogin } from '../support/client.js';
import { metricValue, pluginCall, startReplicas, type Replicas } from './support.js';

describe.each([10, 150])('three replicas, one Redis: a rate limit of %i/s', (rate) => {
  let replicas: Replicas;
  beforeAll(async () => {
    // `hello` has no rateLimit in the fixture: it gets RATE_LIMIT_RPS / RATE_LIMIT_BURST.
    replicas = await startReplicas({ env: { RATE_LIMIT_RPS: String(rate), RATE_LIMIT_BURST: '0' } });
  });
  afterAll(async () => {
    await replicas?.close();
  });

  it('holds across replicas: allowed calls over a window are within 10% of the configured rate', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    const cookie = await devLogin(ports[0]!);
    // Use up the initial capacity (`rate` tokens), so what follows is the refill rate alone.
    for (let refused = false; !refused; ) refused = (await pluginCall(ports[0]!, cookie)).status === 429;

    const windowMs = 8000;
    const pauseMs = 25;
    // Callers pausing 25 ms between calls, enough of them per replica to offer several times the
    // rate in all (4x if calls took no time; less on a busy machine).
    const callersPerReplica = Math.ceil((rate * 6) / 3 / (1000 / pauseMs));
    const statuses: Record<number, number> = {};
    const perReplica = ports.map(() => 0);
    const started = performance.now();
    let last = started;
    await Promise.all(
      ports.flatMap((port, i) =>
        Array.from({ length: callersPerReplica }, async () => {
          while (performance.now() - started < windowMs) {
            const answer = await pluginCall(port, cookie);
            last = Math.max(last, performance.now());
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            if (answer.status === 200) perReplica[i]! += 1;
            await new Promise((r) => setTimeout(r, pauseMs));
          }
        }),
      ),
    );
    const elapsed = (last - started) / 1000;
    const allowed = statuses[200] ?? 0;
    const expected = rate * elapsed;
    // Every call was answered by the limiter or the upstream: no other status.
    expect(Object.keys(statuses).sort()).toEqual(['200', '429']);
    expect(statuses[429]).toBeGreaterThan(allowed / 4); // demand was above the rate throughout
    expect(Math.abs(allowed - expected) / expected).toBeLessThanOrEqual(0.1);
    // Each replica served some: the limit is shared, not one replica's.
    expect(perReplica.every((n) => n > 0)).toBe(true);
    // Decided by the shared bucket throughout, never the local fallback.
    for (let i = 0; i < ports.length; i++) {
      const text = await replicas.metrics(i);
      expect(metricValue(text, 'experience_store_up', 'store="redis"')).toBe(1);
      expect(metricValue(text, 'experience_rate_limit_local_decisions_total')).toBe(0);
    }
  });
});

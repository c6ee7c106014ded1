/**
 * When the shared Redis fails. Stopped and restarted under load: while it is down every call
 * that needs a session is 503 `session_store_unavailable` on every replica (never a 200, never
 * a 401 as if signed out), `/readyz` and `experience_store_up` say so, the shell is still
 * served; once it is back the same session works again. Hung (SIGSTOP): no request waits for
 * it longer than its timeout. Down at start-up: redis-start.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, devLogin, type Answer } from '../support/client.js';
import { codeOf, metricValue, pluginCall, startReplicas, type Replicas } from './support.js';

type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after';

interface Outcome {
  phase: Phase;
  /** The phase when the answer came: a call sent in one phase may be answered in the next. */
  answeredIn: Phase;
  route: 'plugin' | 'session';
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
}

describe('three replicas: Redis stopped and restarted under load', () => {
  let replicas: Replicas;
  beforeAll(async () => {
    // Persisted: what Redis held (the session) is there again after the restart.
    replicas = await startReplicas({ persist: true });
  });
  afterAll(async () => {
    await replicas?.close();
  });

  it('fails closed while down (503 session_store_unavailable, never a pass), shows it, and recovers', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    const cookie = await devLogin(ports[0]!);
    let phase: Phase = 'before';
    const outcomes: Outcome[] = [];
    let running = true;
    const load = Promise.all(
      ports.flatMap((port) =>
        (['plugin', 'session'] as const).map(async (route) => {
          while (running) {
            const sentIn = phase;
            const answer: Answer = route === 'plugin' ? await pluginCall(port, cookie) : await call(port, { path: '/auth/session', headers: { cookie } });
            outcomes.push({ phase: sentIn, answeredIn: phase, route, status: answer.status, code: codeOf(answer), retryAfter: answer.headers['retry-after'] as string | undefined });
            await new Promise((r) => setTimeout(r, 20));
          }
        }),
      ),
    );
    const allReplicas = async (state: 'up' | 'down') => {
      for (let i = 0; i < ports.length; i++) {
        await expect.poll(async () => ((await replicas.readyz(i)).body['stores'] as { redis: { state: string } }).redis.state, { timeout: 10_000 }).toBe(state);
      }
    };

    await new Promise((r) => setTimeout(r, 800));
    phase = 'stopping';
    await replicas.redis.stop();
    await allReplicas('down');
    phase = 'down';
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < ports.length; i++) {
      const ready = await replicas.readyz(i);
      expect(ready.status).toBe(200);
      // Not taken out of the load balancer (see src/server/readiness): the public /readyz is 200 too.
      expect((await call(ports[i]!, { path: '/readyz' })).status).toBe(200);
      expect(metricValue(await replicas.metrics(i), 'experience_store_up', 'store="redis"')).toBe(0);
      // The shell needs no session: it is still served.
      expect((await call(ports[i]!, { path: '/' })).status).toBe(200);
    }
    phase = 'starting';
    await replicas.redis.start();
    await allReplicas('up');
    phase = 'after';
    await new Promise((r) => setTimeout(r, 800));
    running = false;
    await load;

    const during = outcomes.filter((o) => o.phase === 'down' && o.answeredIn === 'down');
    expect(during.length).toBeGreaterThan(20);
    for (const o of during) expect(o).toMatchObject({ status: 503, code: 'session_store_unavailable', retryAfter: '2' });
    // Never a pass, whatever the phase it was sent in, from the moment Redis stopped until it was started again.
    const unknowable = outcomes.filter((o) => o.answeredIn === 'down' || o.phase === 'down');
    expect(unknowable.filter((o) => o.status !== 503)).toEqual([]);
    // Before and after: the same session, served (plugin calls reach the upstream).
    for (const p of ['before', 'after'] as const) {
      const seen = outcomes.filter((o) => o.phase === p && o.answeredIn === p);
      expect(seen.length).toBeGreaterThan(10);
      expect(seen.filter((o) => o.status !== 200)).toEqual([]);
    }
    for (let i = 0; i < ports.length; i++) expect(metricValue(await replicas.metrics(i), 'experience_store_up', 'store="redis"')).toBe(1);
  });

  it('a hung Redis (SIGSTOP) holds no request longer than REDIS_TIMEOUT_MS: 503 at once, then served again', async () => {
    const ports = replicas.bffs.map((b) => b.port);
    const cookie = await devLogin(ports[1]!);
    replicas.redis.pause();
    try {
      // Each call has a generous 5 s to answer (REDIS_TIMEOUT_MS is 300): it must not wait for Redis.
      const answers = await Promise.all(ports.flatMap((port) => [1, 2, 3].map(() => withDeadline(pluginCall(port, cookie), 5000))));
      for (const a of answers) expect([a.status, codeOf(a)]).toEqual([503, 'session_store_unavailable']);
    } finally {
      replicas.redis.resume();
    }
    await expect.poll(async () => (await pluginCall(ports[2]!, cookie)).status, { timeout: 10_000 }).toBe(200);
  });
});

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

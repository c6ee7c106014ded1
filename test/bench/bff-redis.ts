/**
 * `make bench`, the replicas' variant: the allowed plugin call with sessions and the rate
 * limiter in Redis (a local redis-server, test/support/redis-server.ts) against the same call
 * with both in the process, in alternating rounds so both see the same machine. Per call the
 * Redis variant makes two round trips (the session's HMGET, the limiter's EVALSHA) and, every
 * min(60, SESSION_IDLE_S/20) s per session, a third (touch). Reports the best round of each.
 */
import { readFileSync } from 'node:fs';
import { startRedis } from '../support/redis-server.js';

interface ChildLike {
  process: { pid?: number | undefined };
  port: number;
}

interface RunLike {
  measurement: { name: string; opsPerSec: number; ops: number };
  serverCpuUsPerRequest: number;
}

export interface RedisBenchHelpers<C extends ChildLike, R extends RunLike> {
  startChild(script: string, args: string[]): Promise<C>;
  stop(child: C): Promise<void>;
  load(name: string, server: C, path: string, headers: Record<string, string>, expected: number): Promise<R>;
  devLogin(port: number): Promise<string>;
  upstreamUrl: string;
}

export interface RedisBenchResult<R extends RunLike> {
  inProcess: R;
  redis: R;
  ratio: number;
  /** CPU the redis-server process used per call of the Redis variant (µs), on the same machine. */
  redisServerCpuUsPerRequest: number;
  goal: { goal: string; value: string; met: boolean };
}

function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}

const ROUNDS = Number(process.env.BENCH_REDIS_ROUNDS ?? 2);

export async function measureRedisVariant<C extends ChildLike, R extends RunLike>(h: RedisBenchHelpers<C, R>): Promise<RedisBenchResult<R>> {
  const redis = await startRedis();
  const best: { inProcess?: R; redis?: R } = {};
  let redisCpu = Infinity;
  try {
    const path = '/api/bench/items/42';
    for (let round = 0; round < ROUNDS; round++) {
      const local = await h.startChild('test/bench/bff-server.ts', ['bff', h.upstreamUrl]);
      const cookie = await h.devLogin(local.port);
      const a = await h.load('(a) BFF: allowed plugin call, sessions + limiter in process', local, path, { cookie, 'x-plugin-id': 'bench' }, 200);
      await h.stop(local);
      if (!best.inProcess || a.measurement.opsPerSec > best.inProcess.measurement.opsPerSec) best.inProcess = a;

      const shared = await h.startChild('test/bench/bff-server.ts', ['bff', h.upstreamUrl, redis.url]);
      const sharedCookie = await h.devLogin(shared.port);
      const pid = redis.pid();
      const before = pid ? cpuMicros(pid) : 0;
      const r = await h.load('(r) BFF: allowed plugin call, sessions + limiter in Redis', shared, path, { cookie: sharedCookie, 'x-plugin-id': 'bench' }, 200);
      const used = pid ? cpuMicros(pid) - before : Number.NaN;
      await h.stop(shared);
      if (!best.redis || r.measurement.opsPerSec > best.redis.measurement.opsPerSec) {
        best.redis = r;
        // Warm-up calls are in `used` but not in the count: an upper bound.
        redisCpu = used / Math.max(1, r.measurement.ops);
      }
    }
  } finally {
    await redis.close();
  }
  const inProcess = best.inProcess!;
  const shared = best.redis!;
  const ratio = shared.measurement.opsPerSec / inProcess.measurement.opsPerSec;
  return {
    inProcess,
    redis: shared,
    ratio,
    redisServerCpuUsPerRequest: redisCpu,
    goal: { goal: '(r) sessions + limiter in Redis >= 80% of (a) in-process throughput', value: `${(ratio * 100).toFixed(1)}%`, met: ratio >= 0.8 },
  };
}

/**
 * Three BFF replicas as child processes (`node dist/server/main.js`, `make server` first),
 * sharing one redis-server (test/support/redis-server.ts) and one recording upstream, each with
 * the same SESSION_KEYS and REPLICAS=3: what operators run behind a load balancer, without the
 * load balancer (the tests pick the replica of every request themselves).
 */
import { startBffProcess, type BffProcess } from '../support/bff-process.js';
import { call, type Answer } from '../support/client.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstream.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';

export interface Replicas {
  redis: RedisServer;
  upstream: RecordingUpstream;
  bffs: BffProcess[];
  /** http://localhost:<port> of replica i */
  origin(i: number): string;
  /** GET /metrics of replica i (its metrics listener). */
  metrics(i: number): Promise<string>;
  /** GET /readyz of replica i, on its operators' listener (the detailed status: `stores.redis`). */
  readyz(i: number): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface ReplicasOptions {
  count?: number;
  env?: Record<string, string>;
  /** Keep Redis's data over a stop/start (append-only file). */
  persist?: boolean;
}

export async function startReplicas(options: ReplicasOptions = {}): Promise<Replicas> {
  const count = options.count ?? 3;
  const redis = await startRedis({ persist: options.persist ?? false });
  const upstream = await startRecordingUpstream();
  const env = { REDIS_URL: redis.url, REPLICAS: String(count), UPSTREAM_URL: upstream.url, REDIS_TIMEOUT_MS: '300', ...options.env };
  let bffs: BffProcess[] = [];
  try {
    bffs = await Promise.all(Array.from({ length: count }, () => startBffProcess(env)));
  } catch (error) {
    await Promise.all(bffs.map((b) => b.cleanup()));
    await upstream.close();
    await redis.close();
    throw error;
  }
  return {
    redis,
    upstream,
    bffs,
    origin: (i) => `http://localhost:${bffs[i]!.port}`,
    metrics: async (i) => (await fetch(`http://127.0.0.1:${bffs[i]!.metricsPort}/metrics`)).text(),
    readyz: async (i) => {
      const res = await fetch(`http://127.0.0.1:${bffs[i]!.metricsPort}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await Promise.all(bffs.map((b) => b.cleanup()));
      await upstream.close();
      await redis.close();
    },
  };
}

/** One metric's value from Prometheus text (the first line matching name and labels). */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `) || (!labels && l.startsWith(`${name}{`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The sum of a metric's series whose labels include every one of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const series = line.slice(0, line.lastIndexOf(' '));
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A plugin call as the SDK makes it. */
export function pluginCall(port: number, cookie: string, plugin = 'hello', path = '/api/hello'): Promise<Answer> {
  return call(port, { path, headers: { cookie, 'x-plugin-id': plugin } });
}

/** The error code of a JSON error body (undefined for anything else). */
export function codeOf(answer: Answer): string | undefined {
  try {
    return (JSON.parse(answer.body.toString('utf8')) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

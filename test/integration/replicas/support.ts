/**
 * Several BFF replicas (`node dist/server/main.js`, `make server` first) sharing one
 * redis-server, as a deployment runs them behind a load balancer; each gets its own session
 * (sessions are not what these tests are about), and helpers to stream from and publish to each.
 */
import { expect } from 'vitest';
import { PUBLISH_TOKEN } from '../support/bff.js';
import { startBffProcess, type BffProcess } from '../support/bff-process.js';
import { openSse, type SseClient } from '../support/sse.js';
import { closedPortUrl } from '../support/upstream.js';

export { payload } from '../support/sse.js';

export interface Replica {
  readonly name: string;
  readonly process: BffProcess;
  readonly url: string;
  readonly metricsUrl: string;
  /** A dev sign-in on this replica (member of localhost). */
  readonly cookie: string;
}

export async function startReplicas(count: number, redisUrl: string, env: Record<string, string> = {}): Promise<Replica[]> {
  // Plugin calls are not what these tests are about: the upstream is a closed port.
  const upstream = await closedPortUrl();
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startBffProcess({ REDIS_URL: redisUrl, PUBLISH_TOKEN, UPSTREAM_URL: upstream, LOG_LEVEL: 'info', ...env })),
  );
  const processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.cleanup()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return Promise.all(
    processes.map(async (process, i) => {
      const url = `http://localhost:${process.port}`;
      const listening = process.logs().find((l) => l.msg === 'BFF listening') as { metrics: { port: number } };
      await waitUntil(async () => (await readyz(url)).stores?.redis_events === 'up', `replica ${i} reaching Redis`);
      return { name: `replica ${i}`, process, url, metricsUrl: `http://127.0.0.1:${listening.metrics.port}`, cookie: await login(url) };
    }),
  );
}

export async function stopReplicas(replicas: Replica[] | undefined): Promise<void> {
  await Promise.all((replicas ?? []).map((r) => r.process.cleanup()));
}

async function login(url: string, user = 'alice'): Promise<string> {
  const res = await fetch(`${url}/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' },
    body: JSON.stringify({ user, roles: ['member'] }),
  });
  expect(res.status).toBe(204);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function readyz(url: string): Promise<{ ready?: boolean; stores?: Record<string, string> }> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as { ready?: boolean; stores?: Record<string, string> };
  } catch {
    return {};
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens `GET /events/stream` on a replica (with its session) as plugin `orders`. */
export async function stream(replica: Replica, topics = 'orders', lastEventId?: string, plugin = 'orders'): Promise<SseClient> {
  const headers: Record<string, string> = { cookie: replica.cookie, 'x-plugin-id': plugin };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return openSse(`${replica.url}/events/stream?topics=${topics}`, headers);
}

export async function publish(replica: Replica, topic: string, data: unknown, tenant = 'localhost'): Promise<{ status: number; body: { id?: string; code?: string } }> {
  const res = await fetch(`${replica.url}/events/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant, topic, data }),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
}

/** Publishes and expects 202; returns the event id. */
export async function published(replica: Replica, topic: string, data: unknown, tenant = 'localhost'): Promise<string> {
  const res = await publish(replica, topic, data, tenant);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

/** The next `message` or `reset` frame of a stream. */
export function nextEvent(s: SseClient, timeoutMs?: number) {
  return s.next((f) => f.event === 'message' || f.event === 'reset', timeoutMs);
}

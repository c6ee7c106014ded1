/**
 * The events view of the replicas in support.ts (three BFF processes on one redis-server): one
 * dev sign-in, on the first replica, whose session (in Redis) every replica's streams use, and
 * helpers to stream from and publish to each.
 */
import { expect } from 'vitest';
import { PUBLISH_TOKEN } from '../support/bff.js';
import type { BffProcess } from '../support/bff-process.js';
import { openSse, type SseClient } from '../support/sse.js';
import { startReplicas, type Replicas, type ReplicasOptions } from './support.js';

export { payload } from '../support/sse.js';

export interface Replica {
  readonly name: string;
  readonly process: BffProcess;
  readonly url: string;
  readonly metricsUrl: string;
  /** The cluster's one dev sign-in (member of localhost), made on the first replica. */
  readonly cookie: string;
}

export interface EventReplicas {
  readonly cluster: Replicas;
  readonly replicas: Replica[];
  close(): Promise<void>;
}

/** support.ts's replicas with PUBLISH_TOKEN, each reaching Redis, and one sign-in for all. */
export async function startEventReplicas(options: ReplicasOptions = {}): Promise<EventReplicas> {
  const cluster = await startReplicas({ ...options, env: { PUBLISH_TOKEN, LOG_LEVEL: 'info', ...options.env } });
  try {
    const metricsUrl = (process: BffProcess) => `http://127.0.0.1:${process.metricsPort}`;
    await Promise.all(cluster.bffs.map((process, i) => waitUntil(async () => (await readyz(metricsUrl(process))).stores?.redis?.state === 'up', `replica ${i} reaching Redis`)));
    const cookie = await login(cluster.origin(0));
    const replicas = cluster.bffs.map((process, i) => ({ name: `replica ${i}`, process, url: cluster.origin(i), metricsUrl: metricsUrl(process), cookie }));
    return { cluster, replicas, close: () => cluster.close() };
  } catch (error) {
    await cluster.close();
    throw error;
  }
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

export interface Readyz {
  ready?: boolean;
  stores?: { redis?: { state: 'up' | 'down'; since: string } };
}

/** GET /readyz of a replica's operators' listener (`metricsUrl`); `{}` when it does not answer in 2 s (paused, stopped). */
export async function readyz(url: string): Promise<Readyz> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as Readyz;
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

/**
 * The hub's own node-redis connections (a private factory for now; the shared Redis module
 * will make them): one for commands, one that only blocks in XREAD. Commands fail at once
 * while a connection is down (no offline queue: a publish answers 503 instead of waiting),
 * and each connection reconnects by itself with capped, jittered exponential backoff.
 */
import { createClient } from 'redis';

/** What the hub needs of a connection: raw commands and its state. */
export interface RedisConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand<T = unknown>(args: readonly string[], options?: { timeout?: number }): Promise<T>;
  on(event: 'ready' | 'end' | 'reconnecting', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
  destroy(): void;
}

export interface Backoff {
  /** First reconnection delay (default 100 ms); doubled per attempt. */
  baseMs?: number;
  /** Longest delay (default 5 s). */
  maxMs?: number;
}

/** The delay before reconnection attempt `retries` (0-based): base * 2^retries, capped, between half and all of it. */
export function reconnectDelay(retries: number, backoff: Backoff = {}, random: () => number = Math.random): number {
  const base = backoff.baseMs ?? 100;
  const max = backoff.maxMs ?? 5000;
  const full = Math.min(max, base * 2 ** Math.min(retries, 30));
  return Math.round(full / 2 + (full / 2) * random());
}

/**
 * @param readerIdleMs the reader's socket is closed (and reconnected) after this long with no
 *   byte: longer than its XREAD block, so only a connection that died silently trips it.
 */
export function createEventConnections(url: string, options: { backoff?: Backoff; readerIdleMs: number }): { command: RedisConnection; reader: RedisConnection } {
  const socket = { connectTimeout: 5000, reconnectStrategy: (retries: number) => reconnectDelay(retries, options.backoff) };
  // RESP2: the replies entries.ts reads are its arrays.
  const command = createClient({ url, RESP: 2, disableOfflineQueue: true, socket, name: 'experience-events' });
  const reader = createClient({ url, RESP: 2, disableOfflineQueue: true, socket: { ...socket, socketTimeout: options.readerIdleMs }, name: 'experience-events-reader' });
  return { command: command as unknown as RedisConnection, reader: reader as unknown as RedisConnection };
}

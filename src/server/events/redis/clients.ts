/**
 * What the hub uses of Redis. Its commands (XADD, XRANGE, XINFO, CLIENT UNBLOCK) go through the
 * process's shared connection (src/server/redis): bounded by REDIS_TIMEOUT_MS and refused at
 * once while Redis is down. XREAD BLOCK holds a connection for seconds, longer than that bound,
 * so the reader has a connection of its own, made here beside the shared module as it says.
 */
import { createClient } from 'redis';
import { backoffMs, type RedisConnection } from '../../redis/index.js';

/** One command on the shared connection; rejects with RedisUnavailableError. */
export type SendCommand = (args: readonly string[]) => Promise<unknown>;

/** The shared connection's `run`, as one raw command at a time. */
export function commandsOf(redis: Pick<RedisConnection, 'run'>): SendCommand {
  return (args) => redis.run((client) => client.sendCommand([...args]));
}

/** What the reader needs of its connection: raw commands and its state. */
export interface ReaderConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand<T = unknown>(args: readonly string[], options?: { timeout?: number }): Promise<T>;
  on(event: 'ready' | 'end' | 'reconnecting', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
  destroy(): void;
}

/**
 * The reader's connection: no offline queue (a command while it is down fails at once), the
 * shared module's backoff, RESP2 (the replies entries.ts reads are its arrays).
 * @param idleMs the socket is closed (and reconnected) after this long with no byte: longer than
 *   an XREAD block, so only a connection that died silently trips it.
 */
export function createReaderConnection(url: string, options: { idleMs: number; connectTimeoutMs: number }): ReaderConnection {
  const client = createClient({
    url,
    RESP: 2,
    disableOfflineQueue: true,
    name: 'experience-events-reader',
    socket: { connectTimeout: options.connectTimeoutMs, socketTimeout: options.idleMs, reconnectStrategy: (retries: number) => backoffMs(retries) },
  });
  return client as unknown as ReaderConnection;
}

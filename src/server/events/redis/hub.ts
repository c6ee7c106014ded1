/**
 * Events on Redis Streams (REDIS_URL set): one stream per tenant, trimmed to about the replay
 * size, its entry ids the SSE ids. A publish on any replica is an XADD; every replica's reader
 * (reader.ts) hands each entry to its own open streams, and any replica replays from any id.
 * While Redis cannot be reached, publish and new streams are refused (503
 * `event_store_unavailable`), open streams stay open, and reading resumes from where it was.
 */
import type { Logger } from 'pino';
import { UnavailableError } from '../../errors.js';
import type { RedisConnection } from '../../redis/index.js';
import { isEventId } from '../ids.js';
import type { EventHub, HubEvent, PublishInput, Replay } from '../types.js';
import { commandsOf, createReaderConnection, type ReaderConnection, type SendCommand } from './clients.js';
import { streamInfo } from './commands.js';
import { decodeEntry, encodeEntry, keyOf, readEntries, type StreamInfo } from './entries.js';
import { StreamReader } from './reader.js';
import { judgeAbsentId } from './resume.js';

/** A stream keeps at least this many entries, whatever SSE_REPLAY_BUFFER: every reader must see each one. */
export const MIN_KEPT = 100;

export interface RedisEventHubOptions {
  /** The process's shared Redis connection (src/server/redis): every command but the reader's XREAD. */
  redis: Pick<RedisConnection, 'run' | 'state' | 'onStateChange'>;
  /** REDIS_URL: where the reader's own connection goes. */
  url: string;
  /** SSE_REPLAY_BUFFER: entries kept per tenant (at least; trimming is approximate, and at least MIN_KEPT). */
  bufferSize: number;
  logger: Logger;
  /** Called with each change of reachability (and once at start, with false). */
  onHealth?: (up: boolean) => void;
  /** How long one XREAD blocks (default 5 s): a bound on how late a dead connection is noticed. */
  blockMs?: number;
  /** How long the reader's connection attempt may take (REDIS_CONNECT_TIMEOUT_MS; default 5 s). */
  connectTimeoutMs?: number;
  /** The reader's own commands (CLIENT ID, PING) fail after this long (default 2 s). */
  readerTimeoutMs?: number;
  /** A reader connection to use instead of the hub's own (tests). */
  reader?: ReaderConnection;
}

export class RedisEventHub implements EventHub {
  private readonly send: SendCommand;
  private readonly readerConnection: ReaderConnection;
  private readonly reader: StreamReader;
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly gapListeners = new Set<(tenant: string) => void>();
  private readonly keep: number;
  private readonly stopWatchingState: () => void;
  private state: 'starting' | 'up' | 'down' | 'closed' = 'starting';

  constructor(private readonly options: RedisEventHubOptions) {
    this.keep = Math.max(options.bufferSize, MIN_KEPT);
    const blockMs = options.blockMs ?? 5000;
    this.send = commandsOf(options.redis);
    // The reader's socket is never idle longer than a block (it reads, or PINGs): three blocks without a byte is a dead connection.
    this.readerConnection = options.reader ?? createReaderConnection(options.url, { idleMs: blockMs * 3 + 1000, connectTimeoutMs: options.connectTimeoutMs ?? 5000 });
    this.reader = new StreamReader({
      send: this.send,
      reader: this.readerConnection,
      count: Math.min(this.keep, 1000),
      blockMs,
      readerTimeoutMs: options.readerTimeoutMs ?? 2000,
      logger: options.logger,
      emit: (event) => {
        for (const listener of this.listeners) listener(event);
      },
      gap: (tenant) => {
        for (const listener of this.gapListeners) listener(tenant);
      },
    });
    options.onHealth?.(false);
    // The shared connection logs its own changes; this hub says what they mean for events.
    this.stopWatchingState = options.redis.onStateChange(() => this.update(undefined));
    const connection = this.readerConnection;
    connection.on('ready', () => this.update(undefined));
    connection.on('end', () => this.update(undefined));
    connection.on('reconnecting', () => this.update(undefined));
    connection.on('error', (error) => this.update(error));
    // Resolves once connected, reconnecting meanwhile; rejects only when destroyed first.
    connection.connect().catch(() => {});
    this.reader.start();
    this.update(undefined);
  }

  /** Both the shared connection and the reader's answer (`/readyz` `stores.redis` shows the shared one). */
  get up(): boolean {
    return this.options.redis.state === 'up' && this.readerConnection.isReady;
  }

  /** Logs and reports each change of reachability, once (node-redis reports every failed attempt). */
  private update(error: Error | undefined): void {
    if (this.state === 'closed') return;
    const up = this.up;
    if (up && this.state !== 'up') {
      this.state = 'up';
      this.options.logger.info({ store: 'redis' }, 'event store reachable');
      this.options.onHealth?.(true);
    } else if (!up && (this.state === 'up' || (this.state === 'starting' && error))) {
      const was = this.state;
      this.state = 'down';
      this.options.logger.error(
        { store: 'redis', error: error?.message },
        'event store unreachable: publish and new streams answer 503 event_store_unavailable, open streams wait for it (reconnecting with backoff)',
      );
      if (was === 'up') this.options.onHealth?.(false);
    }
  }

  private unavailable(error: unknown): UnavailableError {
    this.options.logger.debug({ store: 'redis', err: error }, 'event store command failed');
    return new UnavailableError('event_store_unavailable', 'The event store is unavailable; retry later');
  }

  async publish(input: PublishInput): Promise<HubEvent> {
    const ts = new Date().toISOString();
    let id: unknown;
    try {
      id = await this.send(['XADD', keyOf(input.tenant), 'MAXLEN', '~', String(this.keep), '*', ...encodeEntry(input, ts)]);
    } catch (error) {
      throw this.unavailable(error);
    }
    if (typeof id !== 'string') throw this.unavailable(new Error('XADD answered no id'));
    return { id, tenant: input.tenant, topic: input.topic, data: input.data ?? null, ts };
  }

  subscribe(listener: (event: HubEvent) => void, onGap?: (tenant: string) => void): () => void {
    this.listeners.add(listener);
    if (onGap) this.gapListeners.add(onGap);
    return () => {
      this.listeners.delete(listener);
      if (onGap) this.gapListeners.delete(onGap);
    };
  }

  async watch(tenant: string): Promise<() => void> {
    if (!this.up) throw this.unavailable(new Error('not connected'));
    try {
      return await this.reader.watch(tenant);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  async since(tenant: string, afterId: string): Promise<Replay> {
    try {
      if (!isEventId(afterId)) return { kind: 'reset', reason: 'unknown', head: headOf(await this.info(tenant)) };
      const entries = readEntries(await this.send(['XRANGE', keyOf(tenant), afterId, '+']));
      if (entries[0]?.id === afterId) return { kind: 'events', events: this.decode(tenant, entries.slice(1)) };
      const info = await this.info(tenant);
      const verdict = judgeAbsentId(afterId, info);
      if (verdict === 'complete') return { kind: 'events', events: this.decode(tenant, entries) };
      return { kind: 'reset', reason: verdict, head: headOf(info) };
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Stops the reader and its connection; the shared connection is its owner's to close. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.stopWatchingState();
    this.listeners.clear();
    this.gapListeners.clear();
    await this.reader.close();
  }

  private decode(tenant: string, entries: Array<{ id: string; fields: unknown }>): HubEvent[] {
    const events: HubEvent[] = [];
    for (const entry of entries) {
      const event = decodeEntry(tenant, entry.id, entry.fields);
      if (event) events.push(event);
    }
    return events;
  }

  private info(tenant: string): Promise<StreamInfo | undefined> {
    return streamInfo(this.send, tenant);
  }
}

function headOf(info: StreamInfo | undefined): string | undefined {
  return info && info.lastGeneratedId !== '0-0' ? info.lastGeneratedId : undefined;
}

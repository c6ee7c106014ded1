/**
 * Events on Redis Streams (REDIS_URL set): one stream per tenant, trimmed to about the replay
 * size, its entry ids the SSE ids. A publish on any replica is an XADD; every replica's reader
 * (reader.ts) hands each entry to its own open streams, and any replica replays from any id.
 * While Redis cannot be reached, publish and new streams are refused (503
 * `event_store_unavailable`), open streams stay open, and reading resumes from where it was.
 */
import type { Logger } from 'pino';
import { UnavailableError } from '../../errors.js';
import { isEventId } from '../ids.js';
import type { EventHub, HubEvent, PublishInput, Replay, StoreHealth } from '../types.js';
import { createEventConnections, type Backoff, type RedisConnection } from './clients.js';
import { streamInfo } from './commands.js';
import { decodeEntry, encodeEntry, keyOf, readEntries, type StreamInfo } from './entries.js';
import { StreamReader } from './reader.js';
import { judgeAbsentId } from './resume.js';

/** A stream keeps at least this many entries, whatever SSE_REPLAY_BUFFER: every reader must see each one. */
export const MIN_KEPT = 100;
const STORE = 'redis_events';

export interface RedisEventHubOptions {
  url: string;
  /** SSE_REPLAY_BUFFER: entries kept per tenant (at least; trimming is approximate, and at least MIN_KEPT). */
  bufferSize: number;
  logger: Logger;
  /** Called with each change of reachability (and once at start, with false). */
  onHealth?: (up: boolean) => void;
  backoff?: Backoff;
  /** How long one XREAD blocks (default 5 s): a bound on how late a dead connection is noticed. */
  blockMs?: number;
  /** Any other command fails after this long (default 2 s): a publish is then a 503. */
  commandTimeoutMs?: number;
  /** Connections to use instead of the hub's own (tests). */
  connections?: { command: RedisConnection; reader: RedisConnection };
}

export class RedisEventHub implements EventHub {
  private readonly command: RedisConnection;
  private readonly readerConnection: RedisConnection;
  private readonly reader: StreamReader;
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly gapListeners = new Set<(tenant: string) => void>();
  private readonly keep: number;
  private readonly timeout: number;
  private state: 'starting' | 'up' | 'down' | 'closed' = 'starting';

  constructor(private readonly options: RedisEventHubOptions) {
    this.keep = Math.max(options.bufferSize, MIN_KEPT);
    this.timeout = options.commandTimeoutMs ?? 2000;
    const blockMs = options.blockMs ?? 5000;
    // The reader's socket is never idle longer than a block (it reads, or PINGs): three blocks without a byte is a dead connection.
    const connections = options.connections ?? createEventConnections(options.url, { backoff: options.backoff, readerIdleMs: blockMs * 3 + 1000 });
    this.command = connections.command;
    this.readerConnection = connections.reader;
    this.reader = new StreamReader({
      command: this.command,
      reader: this.readerConnection,
      count: Math.min(this.keep, 1000),
      blockMs,
      commandTimeoutMs: this.timeout,
      logger: options.logger,
      emit: (event) => {
        for (const listener of this.listeners) listener(event);
      },
      gap: (tenant) => {
        for (const listener of this.gapListeners) listener(tenant);
      },
    });
    options.onHealth?.(false);
    for (const connection of [this.command, this.readerConnection]) {
      connection.on('ready', () => this.update(undefined));
      connection.on('end', () => this.update(undefined));
      connection.on('reconnecting', () => this.update(undefined));
      connection.on('error', (error) => this.update(error));
      // Resolves once connected, reconnecting meanwhile; rejects only when destroyed first.
      connection.connect().catch(() => {});
    }
    this.reader.start();
  }

  private get up(): boolean {
    return this.command.isReady && this.readerConnection.isReady;
  }

  /** Logs and reports each change of reachability, once (node-redis reports every failed attempt). */
  private update(error: Error | undefined): void {
    if (this.state === 'closed') return;
    const up = this.up;
    if (up && this.state !== 'up') {
      this.state = 'up';
      this.options.logger.info({ store: STORE }, 'event store reachable');
      this.options.onHealth?.(true);
    } else if (!up && (this.state === 'up' || (this.state === 'starting' && error))) {
      const was = this.state;
      this.state = 'down';
      this.options.logger.error(
        { store: STORE, error: error?.message },
        'event store unreachable: publish and new streams answer 503 event_store_unavailable, open streams wait for it (reconnecting with backoff)',
      );
      if (was === 'up') this.options.onHealth?.(false);
    }
  }

  private unavailable(error: unknown): UnavailableError {
    this.options.logger.debug({ store: STORE, err: error }, 'event store command failed');
    return new UnavailableError('event_store_unavailable', 'The event store is unavailable; retry later');
  }

  async publish(input: PublishInput): Promise<HubEvent> {
    const ts = new Date().toISOString();
    let id: unknown;
    try {
      id = await this.command.sendCommand(
        ['XADD', keyOf(input.tenant), 'MAXLEN', '~', String(this.keep), '*', ...encodeEntry(input, ts)],
        { timeout: this.timeout },
      );
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
      const entries = readEntries(await this.command.sendCommand(['XRANGE', keyOf(tenant), afterId, '+'], { timeout: this.timeout }));
      if (entries[0]?.id === afterId) return { kind: 'events', events: this.decode(tenant, entries.slice(1)) };
      const info = await this.info(tenant);
      const verdict = judgeAbsentId(afterId, info);
      if (verdict === 'complete') return { kind: 'events', events: this.decode(tenant, entries) };
      return { kind: 'reset', reason: verdict, head: headOf(info) };
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  health(): StoreHealth {
    return { store: STORE, up: this.up };
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.listeners.clear();
    this.gapListeners.clear();
    await this.reader.close();
    this.command.destroy();
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
    return streamInfo(this.command, tenant, this.timeout);
  }
}

function headOf(info: StreamInfo | undefined): string | undefined {
  return info && info.lastGeneratedId !== '0-0' ? info.lastGeneratedId : undefined;
}

import type { Logger } from 'pino';
import { createClient } from 'redis';
import { RedisStartError, RedisUnavailableError, shownUrl } from './errors.js';

export type StoreState = 'up' | 'down';

function createCommandClient(url: string, timeoutMs: number) {
  return createClient({
    url,
    // While reconnecting, commands fail at once instead of queueing: callers fail closed or fall back.
    disableOfflineQueue: true,
    socket: { connectTimeout: Math.max(1000, timeoutMs), reconnectStrategy: (retries: number) => backoffMs(retries) },
  });
}

/** node-redis's client as this module creates it (RESP3, no modules). */
export type RedisClient = ReturnType<typeof createCommandClient>;

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** Bounds every call made through `run` and every health check (REDIS_TIMEOUT_MS). */
  timeoutMs: number;
  /** How long start-up waits for the first connection (REDIS_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** Start with the state `down` instead of failing when Redis cannot be reached (REDIS_START_DEGRADED). */
  startDegraded: boolean;
  /** How often a PING checks that Redis answers (default 1000 ms). */
  healthCheckMs?: number;
}

/**
 * One Redis connection per process, shared by every store (sessions, rate limits, replay
 * guards, events), plus one subscriber connection for pub/sub. See index.ts.
 */
export interface RedisConnection {
  /** `up` while the command connection is ready and answers in time; `down` otherwise. */
  readonly state: StoreState;
  /** When the state last changed (ms since the epoch). */
  readonly since: number;
  /** The URL without credentials (for logs and messages). */
  readonly shownUrl: string;
  /**
   * Runs `call` on the command client, bounded by `timeoutMs` (rejected at most a quarter of it
   * later). Rejects with RedisUnavailableError at once while the state is `down` (no request
   * waits for a Redis that is known to be away), when late (and the state turns `down` until a
   * health check answers), or when the call fails.
   */
  run<T>(call: (client: RedisClient) => Promise<T>): Promise<T>;
  /**
   * Listens to a pub/sub channel on the subscriber connection; resubscribed after every
   * reconnection, when `onResubscribed` runs (messages published while it was away are lost:
   * a store that must not lose them keeps them in a key too and reads it then).
   */
  subscribe(channel: string, listener: (message: string) => void, onResubscribed?: () => void): () => Promise<void>;
  /** Called on every change of `state`; returns the unsubscribe function. */
  onStateChange(listener: (state: StoreState) => void): () => void;
  /** Closes both connections (pending commands are answered first). */
  close(): Promise<void>;
}

/** Reconnection delay: exponential from 50 ms, at most 2 s, plus up to 100 ms of jitter (replicas do not reconnect in step). */
export function backoffMs(retries: number, random: () => number = Math.random): number {
  return Math.min(2000, 50 * 2 ** Math.min(retries, 10)) + Math.floor(random() * 100);
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

interface Channel {
  readonly listeners: Set<(message: string) => void>;
  readonly resubscribed: Set<() => void>;
  /** One function per channel: node-redis keeps it across reconnections, and subscribing it again is a no-op. */
  readonly dispatch: (message: string) => void;
  /** Subscribed at least once (a later subscription is a resubscription). */
  subscribed: boolean;
}

interface Pending {
  deadline: number;
  reject: (error: Error) => void;
}

class Connection implements RedisConnection {
  readonly shownUrl: string;
  #state: StoreState = 'down';
  #since = Date.now();
  #closed = false;
  #lastError = 'not connected yet';
  readonly #listeners = new Set<(state: StoreState) => void>();
  readonly #channels = new Map<string, Channel>();
  readonly #log: Logger;
  readonly #health: NodeJS.Timeout;
  readonly #sweeper: NodeJS.Timeout;
  readonly #pending = new Set<Pending>();
  #subscriberWasReady = false;

  constructor(
    readonly client: RedisClient,
    readonly subscriber: RedisClient,
    private readonly options: RedisOptions,
  ) {
    this.shownUrl = shownUrl(options.url);
    this.#log = options.logger.child({ source: 'redis' });
    client.on('ready', () => this.#set('up', 'connected'));
    client.on('error', (error: unknown) => {
      this.#lastError = describe(error);
      this.#set('down', this.#lastError);
    });
    client.on('reconnecting', () => this.#set('down', this.#lastError));
    client.on('end', () => this.#set('down', 'connection closed'));
    subscriber.on('error', (error: unknown) => {
      if (this.#subscriberWasReady) this.#log.warn({ error: describe(error) }, 'redis subscriber connection lost: reconnecting');
      this.#subscriberWasReady = false;
    });
    subscriber.on('reconnecting', () => {
      this.#subscriberWasReady = false;
    });
    // node-redis resubscribes what it had subscribed after a reconnection, but forgets a
    // subscription that was asked for while it was away: each ready subscribes what is missing.
    subscriber.on('ready', () => {
      this.#subscriberWasReady = true;
      for (const [name, channel] of this.#channels) void this.#subscribeOn(name, channel);
    });
    this.#health = setInterval(() => void this.#check(), options.healthCheckMs ?? 1000);
    this.#health.unref();
    // A call is late at timeoutMs, and rejected at most a quarter of that later.
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(250, Math.max(5, Math.floor(options.timeoutMs / 4))));
    this.#sweeper.unref();
  }

  get state(): StoreState {
    return this.#state;
  }

  get since(): number {
    return this.#since;
  }

  get lastError(): string {
    return this.#lastError;
  }

  run<T>(call: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#state !== 'up') return Promise.reject(new RedisUnavailableError('down', `redis is down (${this.#lastError})`));
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { deadline: performance.now() + this.options.timeoutMs, reject };
      this.#pending.add(pending);
      let answer: Promise<T>;
      try {
        answer = call(this.client);
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (value) => {
          if (this.#pending.delete(pending)) resolve(value);
        },
        (error: unknown) => {
          if (this.#pending.delete(pending)) reject(new RedisUnavailableError('error', `redis call failed: ${describe(error)}`, { cause: error }));
        },
      );
    });
  }

  /** Rejects the calls past their deadline (one sweep for all: no timer per call on the hot path). */
  #sweep(): void {
    if (this.#pending.size === 0) return;
    const now = performance.now();
    let late = 0;
    for (const pending of this.#pending) {
      if (pending.deadline > now) continue;
      this.#pending.delete(pending);
      late += 1;
      pending.reject(new RedisUnavailableError('timeout', `redis did not answer within ${this.options.timeoutMs} ms`));
    }
    if (late > 0) {
      this.#lastError = `${late} call(s) got no answer within ${this.options.timeoutMs} ms`;
      this.#set('down', this.#lastError);
    }
  }

  subscribe(name: string, listener: (message: string) => void, onResubscribed?: () => void): () => Promise<void> {
    let channel = this.#channels.get(name);
    if (!channel) {
      const listeners = new Set<(message: string) => void>();
      channel = { listeners, resubscribed: new Set(), subscribed: false, dispatch: (message) => listeners.forEach((l) => l(message)) };
      this.#channels.set(name, channel);
    }
    channel.listeners.add(listener);
    if (onResubscribed) channel.resubscribed.add(onResubscribed);
    // While Redis is away, the next `ready` subscribes.
    if (this.subscriber.isReady) void this.#subscribeOn(name, channel);
    const current = channel;
    return async () => {
      current.listeners.delete(listener);
      if (onResubscribed) current.resubscribed.delete(onResubscribed);
      if (current.listeners.size > 0 || this.#channels.get(name) !== current) return;
      this.#channels.delete(name);
      if (this.subscriber.isReady) await this.subscriber.unsubscribe(name, current.dispatch).catch(() => undefined);
    };
  }

  /** Subscribes (a no-op for node-redis when it already is); after the first time, the channel's onResubscribed run. */
  async #subscribeOn(name: string, channel: Channel): Promise<void> {
    try {
      await this.subscriber.subscribe(name, channel.dispatch);
    } catch (error) {
      this.#log.warn({ channel: name, error: describe(error) }, 'redis subscribe failed (tried again at the next reconnection)');
      return;
    }
    if (this.#channels.get(name) !== channel) return;
    const again = channel.subscribed;
    channel.subscribed = true;
    if (again) for (const listener of [...channel.resubscribed]) listener();
  }

  onStateChange(listener: (state: StoreState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#health);
    clearInterval(this.#sweeper);
    for (const pending of this.#pending) pending.reject(new RedisUnavailableError('down', 'redis connection closed'));
    this.#pending.clear();
    this.#listeners.clear();
    this.#channels.clear();
    await Promise.all(
      [this.client, this.subscriber].map(async (c) => {
        if (c.isReady) await c.close().catch(() => c.destroy());
        else if (c.isOpen) c.destroy();
      }),
    );
  }

  /** Health check: a PING in time brings the state back up after a timeout; none turns it down. */
  async #check(): Promise<void> {
    if (this.#closed || !this.client.isReady) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer to PING within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
        }),
      ]);
      this.#set('up', 'answering again');
    } catch (error) {
      this.#lastError = describe(error);
      this.#set('down', this.#lastError);
    } finally {
      clearTimeout(timer);
    }
  }

  #set(state: StoreState, reason: string): void {
    if (this.#closed || state === this.#state) return;
    const downForMs = Date.now() - this.#since;
    this.#state = state;
    this.#since = Date.now();
    if (state === 'down') this.#log.error({ store: 'redis', url: this.shownUrl, reason }, 'redis down: sessions answer 503, rate limits are local (reconnecting)');
    else this.#log.info({ store: 'redis', url: this.shownUrl, downForMs }, 'redis up');
    for (const listener of [...this.#listeners]) listener(state);
  }
}

/**
 * Connects (command and subscriber connections) and waits up to `connectTimeoutMs` for both.
 * Without `startDegraded`, a Redis that cannot be reached by then is a RedisStartError and
 * nothing is left open; with it, the connection is returned `down` and keeps trying.
 */
export async function connectRedis(options: RedisOptions): Promise<RedisConnection> {
  const client = createCommandClient(options.url, options.timeoutMs);
  const subscriber = client.duplicate();
  const connection = new Connection(client, subscriber, options);
  const connected = Promise.all([client.connect(), subscriber.connect()]).then(() => true);
  connected.catch(() => undefined);
  const ok = await Promise.race([connected, delay(options.connectTimeoutMs).then(() => false)]);
  if (!ok) {
    const reason = connection.lastError;
    if (!options.startDegraded) {
      client.destroy();
      subscriber.destroy();
      await connection.close();
      throw new RedisStartError(
        `Redis at ${connection.shownUrl} cannot be reached (${reason}) within ${options.connectTimeoutMs} ms: sessions and rate limits are shared through it (REDIS_URL). ` +
          'Start Redis, or set REDIS_START_DEGRADED=true to start without it (sessions answer 503 until it is reachable).',
      );
    }
    options.logger.child({ source: 'redis' }).error({ store: 'redis', url: connection.shownUrl, reason }, 'starting degraded (REDIS_START_DEGRADED): redis cannot be reached; sessions answer 503 until it is');
  }
  return connection;
}

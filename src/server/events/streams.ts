/**
 * Open SSE streams and the fan-out from the hub. Framing is better-sse's (its Session on the
 * raw Node request/response, with Koa stepping aside); the policy questions are the engine's:
 * an event reaches a stream only when the stream subscribed to a prefix covering its topic
 * AND the current engine allows that topic for the stream's plugin. After every reload each
 * stream is checked again, and closed when any of its topics is no longer allowed.
 *
 * However a stream ends, the BFF lets go of its socket and unsent data: a stream that falls
 * too far behind is destroyed at once; one ended by a reload or a shutdown gets a last frame
 * and an orderly end, and is destroyed if its client does not take that within a grace period.
 *
 * A stream that cannot be given every event since its Last-Event-ID (older than the hub keeps,
 * an id the hub never issued, or events this replica lost in a store outage) gets an
 * `event: reset` frame instead, so its client knows to reload what it shows.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Session, type EventBuffer } from 'better-sse';
import type { Logger } from 'pino';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import type { BffMetrics } from '../metrics/index.js';
import { markOutcome } from '../outcome.js';
import { PING_FRAME, RETRY_MS, REVOKED_FRAME, SESSION_ENDED_FRAME, SHUTDOWN_FRAME, UNAVAILABLE_FRAME, messageFrame, resetFrame, sanitizer } from './frames.js';
import { compareEventIds } from './ids.js';
import { covers } from './topics.js';
import type { EventHub, HubEvent, ResetReason } from './types.js';

export interface StreamRequest {
  req: IncomingMessage;
  res: ServerResponse;
  tenant: string;
  plugin: string;
  sid: string;
  topics: string[];
  /** Last-Event-ID as sent: replay the kept events newer than this (or a reset). */
  lastEventId: string | undefined;
  /** The snapshot the topics were checked against. */
  snapshot: Snapshot;
}

interface Stream {
  readonly tenant: string;
  readonly plugin: string;
  readonly sid: string;
  readonly key: string;
  readonly topics: string[];
  readonly session: Session;
  readonly res: ServerResponse;
  /** Ends this stream's interest in its tenant's events (the hub's watch). */
  readonly release: () => void;
  /** The newest event id the stream has had, or the reset's head; undefined: every event is new. */
  lastId: string | undefined;
  ready: boolean;
  queue: Array<HubEvent | typeof GAP>;
  heartbeat: NodeJS.Timeout | undefined;
  closed: boolean;
}

/** In a queue: the hub lost events here (a reset frame, in order with the events). */
const GAP = Symbol('gap');

export interface StreamRegistryOptions {
  hub: EventHub;
  source: SnapshotSource;
  metrics: BffMetrics;
  logger: Logger;
  heartbeatMs: number;
  /** How long an ended stream may take to flush its last bytes before its socket is destroyed (default 2 s). */
  endGraceMs?: number;
}

const MAX_PENDING = 1000;
const MAX_UNSENT_BYTES = 1024 * 1024;
const END_GRACE_MS = 2000;

export class StreamRegistry {
  private readonly byTenant = new Map<string, Set<Stream>>();
  private readonly perKey = new Map<string, number>();
  private readonly bySession = new Map<string, Set<Stream>>();
  private readonly unsubscribe: Array<() => void>;
  private closing = false;

  constructor(private readonly options: StreamRegistryOptions) {
    this.unsubscribe = [
      options.hub.subscribe(
        (event) => this.deliver(event),
        (tenant) => this.gap(tenant),
      ),
      options.source.subscribe((snapshot) => this.revalidate(snapshot)),
    ];
  }

  /** Open streams of one session and plugin (the cap is per session and plugin). */
  count(sid: string, plugin: string): number {
    return this.perKey.get(`${sid}\u0000${plugin}`) ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const set of this.byTenant.values()) n += set.size;
    return n;
  }

  /**
   * Opens the stream, unless a reload since the topics were checked withdrew one of them
   * (then false, and nothing was written: the caller answers 403). Rejects, with nothing
   * written, when the hub cannot read the tenant's events (UnavailableError: a 503).
   */
  async open(request: StreamRequest): Promise<boolean> {
    const release = await this.options.hub.watch(request.tenant);
    // After the wait: a reload while the hub got ready is seen here.
    const current = this.options.source.current();
    if (current !== request.snapshot && !this.permitted(current, request.tenant, request.plugin, request.topics)) {
      release();
      return false;
    }
    const session = new Session(request.req, request.res, {
      statusCode: 200,
      keepAlive: null,
      retry: RETRY_MS,
      trustClientEventId: false,
      sanitizer,
    });
    const stream: Stream = {
      tenant: request.tenant,
      plugin: request.plugin,
      sid: request.sid,
      key: `${request.sid}\u0000${request.plugin}`,
      topics: request.topics,
      session,
      res: request.res,
      release,
      lastId: undefined,
      ready: false,
      queue: [],
      heartbeat: undefined,
      closed: false,
    };
    // From here every event reaches the queue; the replay below may overlap it (ids sort that out).
    this.add(stream);
    session.once('disconnected', () => this.remove(stream));
    // Opened while shutting down (a request already on its way): ended at once, the client reconnects elsewhere.
    if (this.closing) this.end(stream, SHUTDOWN_FRAME);

    await new Promise<void>((resolve) => {
      session.once('connected', resolve);
      session.once('disconnected', resolve);
    });
    if (stream.closed || !session.isConnected) return true;
    if (request.lastEventId !== undefined && !(await this.replay(stream, request.lastEventId))) return true;
    for (const item of stream.queue) {
      if (item === GAP) this.reset(stream, 'gap', undefined);
      else if (this.newer(stream, item)) this.write(stream, item);
    }
    stream.queue = [];
    // Ended or dropped while replaying: no heartbeat for a stream nobody will clear it from.
    if (stream.closed) return true;
    stream.ready = true;
    stream.heartbeat = setInterval(() => this.send(stream, PING_FRAME()), this.options.heartbeatMs);
    stream.heartbeat.unref();
    return true;
  }

  /** Writes what the stream missed since `lastEventId`, or a reset; false when the stream ended instead. */
  private async replay(stream: Stream, lastEventId: string): Promise<boolean> {
    let replay;
    try {
      replay = await this.options.hub.since(stream.tenant, lastEventId);
    } catch (error) {
      this.options.logger.warn({ tenant: stream.tenant, plugin: stream.plugin, err: error }, 'sse stream closed: its replay could not be read');
      this.end(stream, UNAVAILABLE_FRAME);
      return false;
    }
    if (stream.closed) return false;
    if (replay.kind === 'reset') {
      this.reset(stream, replay.reason, replay.head);
      return !stream.closed;
    }
    stream.lastId = lastEventId;
    const engine = this.options.source.current().engine;
    for (const event of replay.events) {
      if (this.wants(stream, event) && this.allowed(engine, stream, event.topic)) this.write(stream, event);
    }
    return !stream.closed;
  }

  /**
   * Closes every open stream of one session at once (logout, back-channel logout, a failed
   * refresh): a session that has ended must not keep receiving events. Returns how many closed.
   */
  closeSession(sid: string): number {
    const streams = this.bySession.get(sid);
    if (!streams) return 0;
    const list = [...streams];
    for (const stream of list) this.end(stream, SESSION_ENDED_FRAME);
    if (list.length > 0) this.options.logger.info({ tenant: list[0]?.tenant, streams: list.length }, 'sse streams closed: the session ended');
    return list.length;
  }

  /**
   * Ends every stream with a `retry:` and a `: shutdown` comment, and any stream opened from
   * now on too (shutdown). Resolves once the frames are written, not when clients read them.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const off of this.unsubscribe) off();
    for (const set of [...this.byTenant.values()]) for (const stream of [...set]) this.end(stream, SHUTDOWN_FRAME);
  }

  private add(stream: Stream): void {
    let set = this.byTenant.get(stream.tenant);
    if (!set) {
      set = new Set();
      this.byTenant.set(stream.tenant, set);
    }
    set.add(stream);
    let mine = this.bySession.get(stream.sid);
    if (!mine) {
      mine = new Set();
      this.bySession.set(stream.sid, mine);
    }
    mine.add(stream);
    this.perKey.set(stream.key, (this.perKey.get(stream.key) ?? 0) + 1);
    this.options.metrics.sseStreams.inc({ tenant: stream.tenant, plugin: stream.plugin });
  }

  private remove(stream: Stream): void {
    const set = this.byTenant.get(stream.tenant);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byTenant.delete(stream.tenant);
    const mine = this.bySession.get(stream.sid);
    mine?.delete(stream);
    if (mine?.size === 0) this.bySession.delete(stream.sid);
    const left = (this.perKey.get(stream.key) ?? 1) - 1;
    if (left > 0) this.perKey.set(stream.key, left);
    else this.perKey.delete(stream.key);
    if (stream.heartbeat) clearInterval(stream.heartbeat);
    stream.closed = true;
    stream.release();
    this.options.metrics.sseStreams.dec({ tenant: stream.tenant, plugin: stream.plugin });
  }

  /** An orderly end: a last frame, then the end of the response; destroyed if not flushed within the grace period. */
  private end(stream: Stream, frame: () => EventBuffer): void {
    this.remove(stream);
    const { res, session } = stream;
    const finish = () => {
      if (res.writableEnded || res.destroyed) return;
      void session.batch(frame());
      res.end();
      const grace = setTimeout(() => this.drop(stream, 'sse stream closed: its client did not take the last frame'), this.options.endGraceMs ?? END_GRACE_MS);
      grace.unref();
      res.once('close', () => clearTimeout(grace));
    };
    // better-sse writes the head on the next tick: ending before that would make its write fail.
    if (session.isConnected) finish();
    else session.once('connected', finish);
  }

  /** Destroys the stream's socket: a client this far behind cannot be served, and its unsent bytes are freed now. */
  private drop(stream: Stream, message: string): void {
    this.remove(stream);
    if (stream.res.destroyed) return;
    this.options.logger.warn({ tenant: stream.tenant, plugin: stream.plugin, unsentBytes: stream.res.writableLength }, message);
    markOutcome(stream.res, 'slow_client');
    stream.res.destroy();
  }

  private newer(stream: Stream, event: HubEvent): boolean {
    return stream.lastId === undefined || compareEventIds(event.id, stream.lastId) > 0;
  }

  private wants(stream: Stream, event: HubEvent): boolean {
    return this.newer(stream, event) && stream.topics.some((prefix) => covers(prefix, event.topic));
  }

  private allowed(engine: Snapshot['engine'], stream: Stream, topic: string): boolean {
    return engine.sse({ tenant: stream.tenant, plugin_id: stream.plugin, topic }).allow === true;
  }

  private deliver(event: HubEvent): void {
    const set = this.byTenant.get(event.tenant);
    if (!set || set.size === 0) return;
    let engine: Snapshot['engine'] | undefined;
    try {
      engine = this.options.source.current().engine;
    } catch {
      return; // No state, no decision: deliver nothing.
    }
    const verdicts = new Map<string, boolean>();
    // The same bytes for every stream: serialised once per event, not once per stream.
    let frame: EventBuffer | undefined;
    for (const stream of set) {
      if (!this.wants(stream, event)) continue;
      let allow = verdicts.get(stream.plugin);
      if (allow === undefined) {
        allow = this.allowed(engine, stream, event.topic);
        verdicts.set(stream.plugin, allow);
      }
      if (!allow) continue;
      if (stream.ready) this.write(stream, event, (frame ??= messageFrame(event)));
      else if (stream.queue.length < MAX_PENDING) stream.queue.push(event);
      // Dropping events would skip them silently; dropping the stream makes the client resume from Last-Event-ID.
      else this.drop(stream, 'sse stream closed: too many events while it opened');
    }
  }

  /** The hub lost events of this tenant: every stream on it is told, in order with its events. */
  private gap(tenant: string): void {
    const set = this.byTenant.get(tenant);
    if (!set) return;
    for (const stream of [...set]) {
      if (stream.ready) this.reset(stream, 'gap', undefined);
      else stream.queue.push(GAP);
    }
  }

  /** `event: reset` (with the head as its id, when known): the client missed events it cannot be given. */
  private reset(stream: Stream, reason: ResetReason, head: string | undefined): void {
    if (this.send(stream, resetFrame(reason, head))) {
      if (head !== undefined) stream.lastId = head;
      this.options.metrics.sseResets.inc({ tenant: stream.tenant, reason });
    }
  }

  private write(stream: Stream, event: HubEvent, frame: EventBuffer = messageFrame(event)): void {
    if (this.send(stream, frame)) {
      stream.lastId = event.id;
      this.options.metrics.sseDelivered.inc({ tenant: stream.tenant, plugin: stream.plugin });
    }
  }

  private send(stream: Stream, buffer: EventBuffer): boolean {
    if (stream.closed || stream.res.writableEnded || stream.res.destroyed) return false;
    if (stream.res.writableLength > MAX_UNSENT_BYTES) {
      // A client that does not read is dropped rather than buffered without bound.
      this.drop(stream, 'sse stream closed: client too slow');
      return false;
    }
    // With an EventBuffer, batch writes synchronously, so events keep their order.
    void stream.session.batch(buffer);
    return true;
  }

  private permitted(snapshot: Snapshot, tenant: string, plugin: string, topics: readonly string[]): boolean {
    return this.refusal(snapshot, tenant, plugin, topics) === undefined;
  }

  /** Why the snapshot no longer allows these topics (the first denied topic's reason), or undefined when it does. */
  private refusal(snapshot: Snapshot, tenant: string, plugin: string, topics: readonly string[]): string | undefined {
    if (!Object.hasOwn(snapshot.config.tenants, tenant)) return 'tenant_removed';
    for (const topic of topics) {
      const decision = snapshot.engine.sse({ tenant, plugin_id: plugin, topic });
      if (decision.allow !== true) return decision.reason;
    }
    return undefined;
  }

  private check(stream: Stream, snapshot: Snapshot): void {
    const reason = this.refusal(snapshot, stream.tenant, stream.plugin, stream.topics);
    if (reason === undefined) return;
    this.options.metrics.sseRevoked.inc({ tenant: stream.tenant, plugin: stream.plugin });
    // The reason (plugin_disabled, topic_not_allowed, ...) is the policy's, for the operator reading the log.
    this.options.logger.info({ tenant: stream.tenant, plugin: stream.plugin, topics: stream.topics, reason, revision: snapshot.revision.id }, 'sse stream closed: no longer allowed');
    this.end(stream, REVOKED_FRAME);
  }

  private revalidate(snapshot: Snapshot): void {
    for (const set of [...this.byTenant.values()]) for (const stream of [...set]) this.check(stream, snapshot);
  }
}

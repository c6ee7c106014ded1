/**
 * The process's one reader of the tenant streams: XREAD BLOCK on its own connection, over the
 * tenants that have open streams here, from the last id it read of each. After its connection
 * comes back it goes on from those ids, so no event still in a stream is skipped; when the
 * stream has moved past a position (trimmed before it was read) it reports a gap instead.
 */
import type { Logger } from 'pino';
import { previousEventId } from '../ids.js';
import type { HubEvent } from '../types.js';
import type { ReaderConnection, SendCommand } from './clients.js';
import { streamInfo } from './commands.js';
import { decodeEntry, keyOf, readEntries, readStreams, tenantOfKey, type StreamInfo } from './entries.js';
import { lostAfter } from './resume.js';

export interface StreamReaderOptions {
  /** Commands on the shared connection (XREVRANGE, XINFO, CLIENT UNBLOCK). */
  send: SendCommand;
  /** The reader's own connection: XREAD BLOCK, CLIENT ID, PING. */
  reader: ReaderConnection;
  /** Entries per stream and read; at most what a stream keeps, so a read that is not full proves nothing was skipped. */
  count: number;
  blockMs: number;
  /** Bounds the reader connection's CLIENT ID and PING. */
  readerTimeoutMs: number;
  logger: Logger;
  emit(event: HubEvent): void;
  gap(tenant: string): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class StreamReader {
  private readonly positions = new Map<string, string>();
  private readonly interest = new Map<string, number>();
  private readonly resolving = new Map<string, Promise<void>>();
  /** Bumped when the set of tenants changes: a read begun before it is unblocked. */
  private generation = 0;
  private blockingGeneration: number | undefined;
  private readerId: string | undefined;
  private wakeIdle: (() => void) | undefined;
  private wakeReady: (() => void) | undefined;
  /** Positions are checked before the next read: at start and after the connection was lost. */
  private suspect = true;
  private closed = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: StreamReaderOptions) {}

  start(): void {
    this.loop = this.run();
  }

  /**
   * Reads `tenant` from its current end (if not already read), and resolves once any event
   * added from now on will be read. Resolves with the release function.
   */
  async watch(tenant: string): Promise<() => void> {
    this.interest.set(tenant, (this.interest.get(tenant) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.interest.get(tenant) ?? 1) - 1;
      if (left > 0) {
        this.interest.set(tenant, left);
      } else {
        this.interest.delete(tenant);
        this.positions.delete(tenant);
      }
    };
    try {
      if (!this.positions.has(tenant)) {
        let pending = this.resolving.get(tenant);
        if (!pending) {
          pending = this.position(tenant).finally(() => this.resolving.delete(tenant));
          this.resolving.set(tenant, pending);
        }
        await pending;
      }
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeIdle?.();
    this.wakeReady?.();
    this.options.reader.destroy();
    await this.loop;
  }

  /** The newest id of the tenant's stream now (`0-0`: none yet): where reading it starts. */
  private async position(tenant: string): Promise<void> {
    const reply = await this.options.send(['XREVRANGE', keyOf(tenant), '+', '-', 'COUNT', '1']);
    const last = readEntries(reply)[0]?.id ?? '0-0';
    if (this.interest.has(tenant) && !this.positions.has(tenant)) {
      this.positions.set(tenant, last);
      this.wake();
    }
  }

  private wake(): void {
    this.generation += 1;
    if (this.wakeIdle) this.wakeIdle();
    else if (this.blockingGeneration !== undefined) void this.unblock();
  }

  /** CLIENT UNBLOCK the read in flight, so it starts again with the new tenant (retried: the read may not have reached Redis yet). */
  private async unblock(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if (this.closed || this.blockingGeneration === undefined || this.blockingGeneration >= this.generation || !this.readerId) return;
      try {
        const unblocked = await this.options.send(['CLIENT', 'UNBLOCK', this.readerId]);
        if (unblocked === 1) return;
      } catch {
        return; // The read ends by its block timeout.
      }
      await sleep(5);
    }
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (!this.options.reader.isReady) {
        this.suspect = true;
        await this.readerReady();
        continue;
      }
      if (this.suspect) {
        try {
          this.readerId = String(await this.options.reader.sendCommand(['CLIENT', 'ID'], { timeout: this.options.readerTimeoutMs }));
          await this.checkPositions([...this.positions.keys()]);
          this.suspect = false;
        } catch (error) {
          if (this.closed) return;
          this.options.logger.debug({ err: error }, 'event stream reader: positions not checked yet');
          await sleep(200);
        }
        continue;
      }
      if (this.positions.size === 0) {
        await this.idle();
        continue;
      }
      try {
        await this.readOnce();
      } catch (error) {
        this.options.logger.error({ err: error }, 'event stream reader: unexpected failure; retrying in 1 s');
        this.suspect = true;
        await sleep(1000);
      }
    }
  }

  /**
   * No tenant to read: wait to be woken, and PING once per block period meanwhile, so the
   * connection is used as often as while it reads (its idle timeout finds only a dead one).
   */
  private async idle(): Promise<void> {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.options.blockMs);
      timer.unref();
      this.wakeIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wakeIdle = undefined;
    if (woken || this.closed) return;
    try {
      await this.options.reader.sendCommand(['PING'], { timeout: this.options.readerTimeoutMs });
    } catch {
      this.suspect = true; // the connection's own error handling reconnects it
    }
  }

  private async readOnce(): Promise<void> {
    const tenants = [...this.positions.keys()];
    const ids = tenants.map((t) => this.positions.get(t) as string);
    this.blockingGeneration = this.generation;
    let reply: unknown;
    try {
      reply = await this.options.reader.sendCommand([
        'XREAD', 'COUNT', String(this.options.count), 'BLOCK', String(this.options.blockMs), 'STREAMS', ...tenants.map(keyOf), ...ids,
      ]);
    } catch (error) {
      if (this.closed) return;
      this.suspect = true;
      // A refused command on a live connection (a key of another type under our name): do not spin.
      if (this.options.reader.isReady) {
        this.options.logger.error({ err: error }, 'event stream reader: XREAD failed; retrying in 1 s');
        await sleep(1000);
      }
      return;
    } finally {
      this.blockingGeneration = undefined;
    }
    for (const { key, entries } of readStreams(reply)) {
      const tenant = tenantOfKey(key);
      const before = tenant === undefined ? undefined : this.positions.get(tenant);
      if (tenant === undefined || before === undefined) continue;
      // A full read means this reader is behind: trimming may have overtaken it.
      if (entries.length >= this.options.count) {
        try {
          await this.checkPositions([tenant], before);
        } catch {
          this.options.gap(tenant); // could not tell: say so rather than skip silently
        }
      }
      for (const entry of entries) {
        if (!this.positions.has(tenant)) break; // released meanwhile
        this.positions.set(tenant, entry.id);
        const event = decodeEntry(tenant, entry.id, entry.fields);
        if (event) this.options.emit(event);
        else this.options.logger.warn({ tenant, id: entry.id }, 'event stream entry skipped: not an event the BFF wrote');
      }
    }
  }

  /** Reports a gap for each tenant whose stream no longer holds everything after its position. */
  private async checkPositions(tenants: string[], position?: string): Promise<void> {
    for (const tenant of tenants) {
      const at = position ?? this.positions.get(tenant);
      if (at === undefined) continue;
      const info = await this.info(tenant);
      if (lostAfter(at, info)) {
        this.options.logger.warn({ tenant, position: at, first: info?.firstId }, 'event stream moved past this replica\'s position: its streams get event: reset');
        this.options.gap(tenant);
        // Reported once: reading goes on from what is kept, and only a further loss is another gap.
        const resumeAt = info?.firstId === undefined ? info?.lastGeneratedId : previousEventId(info.firstId);
        if (resumeAt !== undefined && this.positions.get(tenant) === at) this.positions.set(tenant, resumeAt);
      }
    }
  }

  private info(tenant: string): Promise<StreamInfo | undefined> {
    return streamInfo(this.options.send, tenant);
  }


  private readerReady(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.options.reader.off('ready', done);
        this.wakeReady = undefined;
        resolve();
      };
      this.wakeReady = done;
      this.options.reader.on('ready', done);
      if (this.options.reader.isReady || this.closed) done();
    });
  }
}

import { randomInt } from 'node:crypto';
import { parseEventId } from './ids.js';
import type { EventHub, HubEvent, PublishInput, Replay } from './types.js';

interface Kept {
  seq: number;
  event: HubEvent;
}

/**
 * In-process hub (no REDIS_URL): a sequence counter, a bounded ring of recent events per
 * tenant, listeners. Ids are `<epoch>-<seq>` with an epoch drawn when the hub is made, so an id
 * from another replica or an earlier process is recognised as not ours (a reset), never
 * mistaken for a position in this sequence.
 */
export class MemoryEventHub implements EventHub {
  private readonly epoch = BigInt(Date.now()) * 1000n + BigInt(randomInt(1000));
  private seq = 0;
  private readonly buffers = new Map<string, Kept[]>();
  /** Per tenant, the newest sequence number no longer kept (replay after it is complete). */
  private readonly dropped = new Map<string, number>();
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly bufferSize: number;

  constructor(options: { bufferSize?: number } = {}) {
    this.bufferSize = options.bufferSize ?? 100;
  }

  publish(input: PublishInput): Promise<HubEvent> {
    this.seq += 1;
    const seq = this.seq;
    const event: HubEvent = { id: `${this.epoch}-${seq}`, tenant: input.tenant, topic: input.topic, data: input.data, ts: new Date().toISOString() };
    let buffer = this.buffers.get(input.tenant);
    if (!buffer) {
      buffer = [];
      this.buffers.set(input.tenant, buffer);
    }
    buffer.push({ seq, event });
    if (buffer.length > this.bufferSize) {
      const removed = buffer.splice(0, buffer.length - this.bufferSize);
      this.dropped.set(input.tenant, removed[removed.length - 1]?.seq ?? seq);
    }
    for (const listener of this.listeners) listener(event);
    return Promise.resolve(event);
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watch(): Promise<() => void> {
    return Promise.resolve(() => {});
  }

  since(tenant: string, afterId: string): Promise<Replay> {
    const head = this.seq > 0 ? `${this.epoch}-${this.seq}` : undefined;
    const id = parseEventId(afterId);
    if (!id || id.ms !== this.epoch || id.seq > BigInt(this.seq)) return Promise.resolve({ kind: 'reset', reason: 'unknown', head });
    const after = Number(id.seq);
    if (after < (this.dropped.get(tenant) ?? 0)) return Promise.resolve({ kind: 'reset', reason: 'expired', head });
    const buffer = this.buffers.get(tenant) ?? [];
    return Promise.resolve({ kind: 'events', events: buffer.filter((k) => k.seq > after).map((k) => k.event) });
  }

  close(): Promise<void> {
    this.listeners.clear();
    this.buffers.clear();
    return Promise.resolve();
  }
}

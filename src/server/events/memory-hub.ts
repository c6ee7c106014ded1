import type { EventHub, HubEvent, PublishInput } from './types.js';

/** In-process hub: a sequence counter, a bounded ring of recent events per tenant, listeners. */
export class MemoryEventHub implements EventHub {
  private seq = 0;
  private readonly buffers = new Map<string, HubEvent[]>();
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly bufferSize: number;

  constructor(options: { bufferSize?: number } = {}) {
    this.bufferSize = options.bufferSize ?? 100;
  }

  publish(input: PublishInput): Promise<HubEvent> {
    this.seq += 1;
    const event: HubEvent = { seq: this.seq, tenant: input.tenant, topic: input.topic, data: input.data, ts: new Date().toISOString() };
    if (this.bufferSize > 0) {
      let buffer = this.buffers.get(input.tenant);
      if (!buffer) {
        buffer = [];
        this.buffers.set(input.tenant, buffer);
      }
      buffer.push(event);
      if (buffer.length > this.bufferSize) buffer.splice(0, buffer.length - this.bufferSize);
    }
    for (const listener of this.listeners) listener(event);
    return Promise.resolve(event);
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  since(tenant: string, afterSeq: number): Promise<HubEvent[]> {
    const buffer = this.buffers.get(tenant) ?? [];
    return Promise.resolve(buffer.filter((e) => e.seq > afterSeq));
  }

  close(): Promise<void> {
    this.listeners.clear();
    this.buffers.clear();
    return Promise.resolve();
  }
}

export interface PublishInput {
  tenant: string;
  topic: string;
  data: unknown;
}

export interface HubEvent extends PublishInput {
  /** Monotonic sequence number (the SSE `id`). */
  seq: number;
  /** ISO 8601 time the hub accepted the event. */
  ts: string;
}

/**
 * Where published events meet open streams. In memory for one process now; a shared-store
 * implementation (several replicas) can replace it, hence the Promises.
 */
export interface EventHub {
  publish(input: PublishInput): Promise<HubEvent>;
  /** Every event of every tenant, in order; returns the unsubscribe function. */
  subscribe(listener: (event: HubEvent) => void): () => void;
  /** Buffered events of a tenant with `seq > afterSeq`, oldest first (bounded buffer). */
  since(tenant: string, afterSeq: number): Promise<HubEvent[]>;
  close(): Promise<void>;
}

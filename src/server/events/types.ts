export interface PublishInput {
  tenant: string;
  topic: string;
  data: unknown;
}

export interface HubEvent extends PublishInput {
  /**
   * The event's id, the SSE `id:` (ids.ts): `<a>-<b>`, increasing per tenant. With Redis it is
   * the stream entry id, so every replica gives the same event the same id.
   */
  id: string;
  /** ISO 8601 time the hub accepted the event. */
  ts: string;
}

/**
 * Why a stream gets `event: reset` instead of the events it asked for: `expired`, its
 * Last-Event-ID is older than what the hub keeps; `unknown`, the id is none this hub issued
 * (malformed, from another in-memory replica or an earlier process, newer than any event);
 * `gap`, this replica could not read some events before they were trimmed (after a store outage).
 */
export type ResetReason = 'expired' | 'unknown' | 'gap';

/** What `since` found: the events after the id, or that they cannot all be given. */
export type Replay =
  | { kind: 'events'; events: HubEvent[] }
  /** `head`: the newest event id now (the reset frame's id, so the next reconnect resumes there). */
  | { kind: 'reset'; reason: Exclude<ResetReason, 'gap'>; head: string | undefined };

/**
 * Where published events meet open streams: in this process's memory (MemoryEventHub), or a
 * Redis stream per tenant that every replica reads (RedisEventHub).
 */
export interface EventHub {
  /** Accepts an event; rejects with UnavailableError `event_store_unavailable` when the store cannot take it. */
  publish(input: PublishInput): Promise<HubEvent>;
  /**
   * Every event of every watched tenant, in order per tenant; `onGap(tenant)` when events of a
   * tenant were lost to this process (the stream moved past what it had read). Returns the
   * unsubscribe function.
   */
  subscribe(listener: (event: HubEvent) => void, onGap?: (tenant: string) => void): () => void;
  /**
   * Starts delivering a tenant's events to subscribers, if not already: once it resolves,
   * every event accepted afterwards reaches them. Resolves with the release function (the
   * caller's interest ends). Rejects with UnavailableError `event_store_unavailable`.
   */
  watch(tenant: string): Promise<() => void>;
  /** The kept events of a tenant newer than `afterId` (a Last-Event-ID as sent), oldest first, or a reset. */
  since(tenant: string, afterId: string): Promise<Replay>;
  close(): Promise<void>;
}

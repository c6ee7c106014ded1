import type { SdkError } from '../errors/index.js';

/** One event delivered to a subscriber: the BFF's `data: {topic, data, ts}` plus the stream id. */
export interface SseMessage<T = unknown> {
  id: string | undefined;
  topic: string;
  data: T;
  ts: number | string | undefined;
}

export interface SseErrorInfo {
  /** False when the SDK gave up (denied topic, session gone): nothing more will arrive. */
  retrying: boolean;
  /** The wait before the next attempt, when retrying. */
  delayMs?: number;
}

/**
 * Why the BFF sent `event: reset`: `expired` (the last event received is older than what it
 * keeps), `unknown` (it did not issue that id: a restart, another in-memory replica),
 * `gap` (its event store lost events during an outage). Other values may be added.
 */
export type SseResetReason = 'expired' | 'unknown' | 'gap' | (string & {});

export interface SseResetInfo {
  reason: SseResetReason;
}

export interface SubscribeOptions {
  /** Called on every failure; without it the SDK logs through the plugin's logger. */
  onError?: (error: SdkError, info: SseErrorInfo) => void;
  /**
   * Called when events were missed and cannot be replayed (`event: reset`): reload the state
   * the events update (e.g. refetch the list). Live events follow. Without it the SDK logs a warning.
   */
  onReset?: (info: SseResetInfo) => void;
  /** Called each time the stream is (re)opened. */
  onOpen?: () => void;
  signal?: AbortSignal;
}

export interface Subscription {
  /** Stops reading and reconnecting. Idempotent. */
  close(): void;
  readonly closed: boolean;
}

export type SseHandler<T = unknown> = (message: SseMessage<T>) => void;

export interface PluginSse {
  /**
   * Subscribes to topics the plugin declared (prefixes in `permissions.sse`).
   *
   * @example
   * const sub = sdk.sse.subscribe(['orders'], (m) => console.log(m.topic, m.data), {
   *   onError: (e, { retrying }) => { if (!retrying) showRefusal(e) },
   * });
   * // later: sub.close();
   */
  subscribe<T = unknown>(topics: string | readonly string[], handler: SseHandler<T>, options?: SubscribeOptions): Subscription;
}

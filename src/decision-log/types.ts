/**
 * Decision-log events in OPA's format, as OPA's decision-log service API documents them:
 * https://www.openpolicyagent.org/docs/management-decision-logs ("Decision Log Service API").
 */
import type { EngineRevision } from '../engine/types.js';

/** What the hot path keeps of one decision: references only, formatted and masked by the shipper. */
export interface DecisionRecord {
  /** A UUID: the event's `decision_id`, the response's `X-Decision-Id`. */
  readonly id: string;
  /** The entrypoint evaluated, e.g. `experience/api/decision`. */
  readonly path: string;
  /** The input exactly as the policy saw it (never mutated afterwards: masking copies). */
  readonly input: unknown;
  /** The decision exactly as the caller got it (never mutated: masking copies). */
  readonly result: unknown;
  readonly revision: EngineRevision | null;
  /** How long the decision took, in nanoseconds. */
  readonly evalNs: number;
  /** When it was made (epoch milliseconds). */
  readonly at: number;
}

/** One event as it leaves the process (OPA's fields; `erased`/`masked` only when a mask applied). */
export interface DecisionLogEvent {
  decision_id: string;
  /** RFC 3339, UTC. */
  timestamp: string;
  path: string;
  input?: unknown;
  result?: unknown;
  /** What served the decision: the policy module and the compiled data, by content hash. */
  bundles?: Record<string, { revision: string }>;
  /** Identify this process: `id` (the instance) and `version` (the app's version). */
  labels: Record<string, string>;
  metrics: { timer_rego_query_eval_ns: number };
  /** JSON pointers erased by a mask. */
  erased?: string[];
  /** JSON pointers whose value a mask replaced. */
  masked?: string[];
}

/** Where events go. `write` resolves once the destination accepted the whole batch, rejects otherwise. */
export interface DecisionSink {
  readonly kind: 'console' | 'file' | 'http';
  write(events: readonly DecisionLogEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** What the log counts, for /metrics (the server's metrics module owns the counters). */
export interface DecisionLogCounters {
  /** Events lost: the buffer was full, or still held at shutdown. */
  dropped(reason: 'buffer_full' | 'shutdown', count: number): void;
  /** Events a sink accepted. */
  sent(count: number): void;
  /** A sink write that failed (its batch is retried). */
  failed(): void;
}

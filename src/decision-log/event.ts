import type { DecisionLogEvent, DecisionRecord } from './types.js';

/**
 * The OPA event of a record: `timestamp` RFC 3339 in UTC, `bundles` naming the policy module and
 * the compiled data by content hash, `metrics.timer_rego_query_eval_ns`. Formatting happens here,
 * off the request path.
 */
export function toEvent(record: DecisionRecord, labels: Record<string, string>): DecisionLogEvent {
  const event: DecisionLogEvent = {
    decision_id: record.id,
    timestamp: new Date(record.at).toISOString(),
    path: record.path,
    input: record.input,
    result: record.result,
    // Shared by every event (frozen by the log): no mask can reach labels.
    labels,
    metrics: { timer_rego_query_eval_ns: record.evalNs },
  };
  if (record.revision) event.bundles = { policy: { revision: record.revision.policy }, data: { revision: record.revision.data } };
  return event;
}

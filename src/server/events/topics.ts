import { TOPIC as TOPIC_PATTERN } from '../../config/index.js';

// The config layer's rule (docs/contracts.md), compiled as its `matches` compiles it: the rule
// plugins.yaml prefixes obey, and published topics (no policy decision judges a publish).
const TOPIC = new RegExp(TOPIC_PATTERN, 'u');
const MAX_TOPICS = 20;
/** Bytes per topic the BFF takes: a bound on what a stream holds, not a topic rule. */
export const MAX_TOPIC_BYTES = 200;

/**
 * Whether `value` is a topic to publish: dot-separated segments of [A-Za-z0-9_-], at most 200
 * characters, exactly. Subscriptions are not judged here: the policy's sse decision does that.
 */
export function isTopic(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TOPIC_BYTES && TOPIC.test(value);
}

export type TopicsQuery =
  | { ok: true; topics: string[] }
  /** `invalid_topics`: the query is not one `topics` list of 1 to 20 distinct entries of at most 200 bytes. */
  | { ok: false; code: 'invalid_topics' };

/**
 * The query string of `GET /events/stream`, read from the raw bytes, framing only: exactly
 * `topics=<t>[,<t>...]`, 1 to 20 distinct entries of at most 200 bytes (`topics=` alone is no
 * list). Nothing is decoded, trimmed, folded or dropped, and no entry is judged here: the policy's
 * sse decision judges each one as sent (a `%`, `+`, empty entry or other malformed topic is its
 * `malformed_topic`), so the code the client sees is the one `explain`, the log and the metric
 * report (docs/contracts.md, "Topic rules").
 *
 * @example
 * parseTopicsQuery('topics=orders,stock.levels') // { ok: true, topics: ['orders', 'stock.levels'] }
 * parseTopicsQuery('topics=%20orders')           // { ok: true, topics: ['%20orders'] } (the policy says malformed_topic)
 * parseTopicsQuery('topics=a&x=1')               // { ok: false, code: 'invalid_topics' }
 */
export function parseTopicsQuery(querystring: string): TopicsQuery {
  // One parameter: a second `&`-separated pair (even an empty one, `topics=a&`) is refused.
  if (!querystring.startsWith('topics=') || querystring.includes('&')) return { ok: false, code: 'invalid_topics' };
  const list = querystring.slice('topics='.length);
  const topics = list.split(',');
  if (list === '' || topics.length > MAX_TOPICS) return { ok: false, code: 'invalid_topics' };
  if (topics.some((t) => Buffer.byteLength(t) > MAX_TOPIC_BYTES)) return { ok: false, code: 'invalid_topics' };
  if (new Set(topics).size !== topics.length) return { ok: false, code: 'invalid_topics' };
  return { ok: true, topics };
}

/** Whether a subscription to `prefix` covers `topic` (whole segments: `orders` covers `orders.created`). */
export function covers(prefix: string, topic: string): boolean {
  return topic === prefix || topic.startsWith(`${prefix}.`);
}

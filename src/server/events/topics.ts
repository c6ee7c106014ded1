import { TOPIC as TOPIC_PATTERN } from '../../config/index.js';

// The config layer's rule (docs/contracts.md), compiled as its `matches` compiles it: one rule
// for plugins.yaml prefixes, subscriptions and published topics.
const TOPIC = new RegExp(TOPIC_PATTERN, 'u');
const MAX_TOPICS = 20;
const MAX_TOPIC_LENGTH = 200;

/** Whether `value` is a topic: dot-separated segments of [A-Za-z0-9_-], at most 200 characters, exactly. */
export function isTopic(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TOPIC_LENGTH && TOPIC.test(value);
}

export type TopicsQuery =
  | { ok: true; topics: string[] }
  /** `invalid_topics`: the query is not one `topics` list; `invalid_topic`: an entry is not a topic. */
  | { ok: false; code: 'invalid_topics' | 'invalid_topic' };

/**
 * The query string of `GET /events/stream`, read from the raw bytes: exactly `topics=<t>[,<t>...]`,
 * 1 to 20 distinct topics, each exactly a topic as sent (`topics=` alone is no list). Nothing is decoded, trimmed, folded
 * or dropped: topic characters never need percent-encoding, so `%`, `+`, whitespace, an
 * empty entry (`a,,b`) or a repeated one is refused, and the list the policy judges (and the
 * stream subscribes to) is the list the client sent.
 *
 * @example
 * parseTopicsQuery('topics=orders,stock.levels') // { ok: true, topics: ['orders', 'stock.levels'] }
 * parseTopicsQuery('topics=%20orders')           // { ok: false, code: 'invalid_topic' }
 */
export function parseTopicsQuery(querystring: string): TopicsQuery {
  // One parameter: a second `&`-separated pair (even an empty one, `topics=a&`) is refused.
  if (!querystring.startsWith('topics=') || querystring.includes('&')) return { ok: false, code: 'invalid_topics' };
  const list = querystring.slice('topics='.length);
  const topics = list.split(',');
  if (list === '' || topics.length > MAX_TOPICS) return { ok: false, code: 'invalid_topics' };
  if (!topics.every(isTopic)) return { ok: false, code: 'invalid_topic' };
  if (new Set(topics).size !== topics.length) return { ok: false, code: 'invalid_topics' };
  return { ok: true, topics };
}

/** Whether a subscription to `prefix` covers `topic` (whole segments: `orders` covers `orders.created`). */
export function covers(prefix: string, topic: string): boolean {
  return topic === prefix || topic.startsWith(`${prefix}.`);
}

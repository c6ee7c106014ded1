import { TOPIC as TOPIC_PATTERN } from '../../config/index.js';

/** Topic syntax from docs/contracts.md (the config layer's rule): dot-separated segments of [A-Za-z0-9_-]. */
export const TOPIC = new RegExp(TOPIC_PATTERN);
const MAX_TOPICS = 20;
const MAX_TOPIC_LENGTH = 200;

/**
 * The `topics` query parameter: comma-separated, de-duplicated. Returns undefined when it is
 * missing, empty, too long or contains something that is not a topic.
 */
export function parseTopics(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const topics = [...new Set(raw.split(',').map((t) => t.trim()).filter(Boolean))];
  if (topics.length === 0 || topics.length > MAX_TOPICS) return undefined;
  if (topics.some((t) => t.length > MAX_TOPIC_LENGTH || !TOPIC.test(t))) return undefined;
  return topics;
}

/** Whether a subscription to `prefix` covers `topic` (whole segments: `orders` covers `orders.created`). */
export function covers(prefix: string, topic: string): boolean {
  return topic === prefix || topic.startsWith(`${prefix}.`);
}

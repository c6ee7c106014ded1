import type { Logger } from 'pino';
import type { BffMetrics } from '../metrics/index.js';
import { MemoryEventHub } from './memory-hub.js';
import { RedisEventHub } from './redis/index.js';
import type { EventHub } from './types.js';

/**
 * The hub the settings ask for: on Redis Streams when REDIS_URL is set (replicas share it),
 * else in this process's memory. `experience_store_up{store="redis_events"}` follows Redis.
 */
export function createEventHub(options: { redisUrl: string | undefined; bufferSize: number; logger: Logger; metrics: BffMetrics }): EventHub {
  const { redisUrl, bufferSize, logger, metrics } = options;
  if (redisUrl === undefined) return new MemoryEventHub({ bufferSize });
  return new RedisEventHub({ url: redisUrl, bufferSize, logger, onHealth: (up) => metrics.storeUp.set({ store: 'redis_events' }, up ? 1 : 0) });
}

import type { Logger } from 'pino';
import type { RedisConnection } from '../redis/index.js';
import { MemoryEventHub } from './memory-hub.js';
import { RedisEventHub } from './redis/index.js';
import type { EventHub } from './types.js';

/**
 * The hub the settings ask for: on Redis Streams when the process has the shared Redis
 * connection (REDIS_URL; replicas share the streams), else in this process's memory.
 */
export function createEventHub(options: { redis: RedisConnection | undefined; redisUrl: string | undefined; bufferSize: number; logger: Logger; connectTimeoutMs?: number }): EventHub {
  const { redis, redisUrl, bufferSize, logger } = options;
  if (redis === undefined || redisUrl === undefined) return new MemoryEventHub({ bufferSize });
  return new RedisEventHub({ redis, url: redisUrl, bufferSize, logger, ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }) });
}

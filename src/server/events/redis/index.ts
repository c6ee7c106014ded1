/** The event hub on Redis Streams: `new RedisEventHub({ url, bufferSize, logger })`. */
export { MIN_KEPT, RedisEventHub, type RedisEventHubOptions } from './hub.js';
export { reconnectDelay, type Backoff, type RedisConnection } from './clients.js';
export { KEY_PREFIX, keyOf } from './entries.js';

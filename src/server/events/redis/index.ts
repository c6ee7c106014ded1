/** The event hub on Redis Streams: `new RedisEventHub({ redis, url, bufferSize, logger })` (redis: src/server/redis's shared connection). */
export { MIN_KEPT, RedisEventHub, type RedisEventHubOptions } from './hub.js';
export { commandsOf, createReaderConnection, type ReaderConnection, type SendCommand } from './clients.js';
export { KEY_PREFIX, keyOf } from './entries.js';

/** The Koa BFF: public surface. */
export { createApp, type AppOptions, type BffApp } from './app.js';
export { startServer, type RunningServer, type StartOptions } from './start.js';
export { loadSettings, SettingsError, type ServerSettings, type RateLimitSettings } from './settings.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type BffMetrics } from './metrics/index.js';
export { MemoryRateLimiter, type RateLimit, type RateLimitResult, type RateLimiter } from './ratelimit/index.js';
export { MemoryEventHub } from './events/memory-hub.js';
export { RedisEventHub, type RedisEventHubOptions } from './events/redis/index.js';
export type { EventHub, HubEvent, PublishInput, Replay, ResetReason } from './events/types.js';
export type { IdentityProvider } from './auth/types.js';
export type { Identity } from './middleware/session/index.js';
export { createAgents, forwardRequest, type ProxyOptions, type UpstreamAgents } from './proxy/forward.js';
export { RESERVED_PREFIXES } from './routes/web.js';
export { BundleStore, type BundleBytes } from './bundles/store.js';
export { mapError } from './middleware/errors/index.js';
export * from './errors.js';

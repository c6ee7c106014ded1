export type { PluginSse, SseErrorInfo, SseHandler, SseMessage, SseResetInfo, SseResetReason, SubscribeOptions, Subscription } from './types.js';
export { createSse, type SseTiming } from './subscribe.js';
export { createSseParser, type ParsedEvent, type SseParser } from './parser.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';


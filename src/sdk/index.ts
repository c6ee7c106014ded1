/**
 * The plugin SDK: one frozen instance per plugin, created by the host.
 * Plugins import only types from here; the instance arrives as the `sdk` prop.
 */
export { createPluginSdk, type CreatePluginSdkOptions } from './create-sdk.js';
export type { PluginSdk, PluginComponentProps, PluginWidgetProps } from './types.js';
export { CSRF_HEADER, PLUGIN_ID_HEADER } from './headers.js';
export * from './errors/index.js';
export type { ApiFetch, ApiJson, ApiRequestInit, PluginQueryOptions, PluginQueryResult, PluginUseQuery } from './api/index.js';
export type { AuthzDecision, PluginAuthz } from './authz/index.js';
export type { PluginSse, SseErrorInfo, SseHandler, SseMessage, SseResetInfo, SseResetReason, SubscribeOptions, Subscription, SseTiming } from './sse/index.js';
export {
  createBatchingSink, createConsoleSink, createLogger, teeSink,
  type BatchingSink, type LogLevel, type PluginLogger, type PluginTelemetry, type TelemetryEvent, type TelemetrySink,
} from './telemetry/index.js';

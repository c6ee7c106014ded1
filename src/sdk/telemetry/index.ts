export type { LogLevel, PluginLogger, PluginTelemetry, TelemetryEvent, TelemetrySink } from './types.js';
export { createLogger } from './logger.js';
export { createTelemetry, type TelemetryClock } from './telemetry.js';
export { createBatchingSink, type BatchingSink, type BatchingSinkOptions } from './batching-sink.js';
export { createConsoleSink, teeSink } from './console-sink.js';

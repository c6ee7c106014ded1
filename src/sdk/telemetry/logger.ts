import type { LogLevel, PluginLogger, TelemetrySink } from './types.js';

/** A logger whose every record is tagged with `pluginId`; where it goes is the sink's business. */
export function createLogger(pluginId: string, sink: TelemetrySink, now: () => string = () => new Date().toISOString()): PluginLogger {
  const log = (level: LogLevel) => (message: string, data?: Record<string, unknown>) =>
    sink.send({ plugin: pluginId, kind: 'log', level, name: 'log', message, ...(data ? { data } : {}), ts: now() });
  return Object.freeze({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') });
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One record on its way to the host's sink; the wire shape of `POST /api/telemetry`. */
export interface TelemetryEvent {
  /** Stamped by the SDK from the instance's plugin id; a plugin cannot choose it. */
  plugin: string;
  kind: 'log' | 'metric' | 'event';
  level?: LogLevel;
  name: string;
  message?: string;
  data?: Record<string, unknown>;
  /** ISO 8601 time the SDK recorded it, e.g. `2025-01-01T12:00:00.000Z`. */
  ts: string;
}

/** Where the host sends events. The SDK never decides; it only tags and forwards. */
export interface TelemetrySink {
  send(event: TelemetryEvent): void;
}

export interface PluginLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface PluginTelemetry {
  /** Something happened: `telemetry.event('orders.note_added', { orderId })`. */
  event(name: string, data?: Record<string, unknown>): void;
  /** A measured value, sent as `data.value`. */
  metric(name: string, value: number, data?: Record<string, unknown>): void;
  /** Starts a clock; calling the result sends a metric in milliseconds and returns it. */
  startTimer(name: string, data?: Record<string, unknown>): (extra?: Record<string, unknown>) => number;
  /** Times a promise-returning call; the metric carries `outcome: 'ok' | 'error'`. */
  time<T>(name: string, run: () => Promise<T>, data?: Record<string, unknown>): Promise<T>;
}

import type { PluginTelemetry, TelemetrySink } from './types.js';

export interface TelemetryClock {
  /** Wall clock for `ts`, ISO 8601. */
  now(): string;
  /** Monotonic clock for durations. */
  elapsed(): number;
}

const defaultClock: TelemetryClock = {
  now: () => new Date().toISOString(),
  elapsed: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
};

/**
 * Telemetry tagged with `pluginId`.
 *
 * @example Timing a query
 * const orders = await sdk.telemetry.time('orders.load', () => sdk.api.json('/api/orders'));
 * // sends { plugin: 'orders', kind: 'metric', name: 'orders.load', data: { value: 12.3, unit: 'ms', outcome: 'ok' } }
 */
export function createTelemetry(pluginId: string, sink: TelemetrySink, clock = defaultClock): PluginTelemetry {
  const send = (kind: 'metric' | 'event', name: string, data?: Record<string, unknown>) =>
    sink.send({ plugin: pluginId, kind, name, ...(data ? { data } : {}), ts: clock.now() });

  const startTimer: PluginTelemetry['startTimer'] = (name, data) => {
    const started = clock.elapsed();
    return (extra) => {
      const ms = Math.round((clock.elapsed() - started) * 10) / 10;
      send('metric', name, { ...data, ...extra, value: ms, unit: 'ms' });
      return ms;
    };
  };

  return Object.freeze({
    event: (name: string, data?: Record<string, unknown>) => send('event', name, data),
    metric: (name: string, value: number, data?: Record<string, unknown>) => send('metric', name, { ...data, value }),
    startTimer,
    async time<T>(name: string, run: () => Promise<T>, data?: Record<string, unknown>): Promise<T> {
      const stop = startTimer(name, data);
      try {
        const result = await run();
        stop({ outcome: 'ok' });
        return result;
      } catch (e) {
        stop({ outcome: 'error', error: e instanceof Error ? e.name : 'unknown' });
        throw e;
      }
    },
  });
}

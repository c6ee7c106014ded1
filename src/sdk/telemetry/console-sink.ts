import type { TelemetryEvent, TelemetrySink } from './types.js';

/** Mirrors events to the console, `[plugin:<id>]`-prefixed; the host uses it in development. */
export function createConsoleSink(target: Pick<Console, 'debug' | 'info' | 'warn' | 'error'> = console): TelemetrySink {
  return {
    send(e: TelemetryEvent) {
      const level = e.kind === 'log' ? (e.level ?? 'info') : 'debug';
      const text = e.kind === 'log' ? (e.message ?? '') : `${e.kind} ${e.name}`;
      target[level](`[plugin:${e.plugin}] ${text}`, ...(e.data ? [e.data] : []));
    },
  };
}

/** Sends every event to each sink in turn; one failing sink does not stop the others. */
export function teeSink(...sinks: TelemetrySink[]): TelemetrySink {
  return {
    send(e) {
      for (const s of sinks) {
        try {
          s.send(e);
        } catch {
          // A broken sink must not break the plugin that logged.
        }
      }
    },
  };
}

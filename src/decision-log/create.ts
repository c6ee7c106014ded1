import type { Logger } from 'pino';
import { DecisionLog } from './log.js';
import type { DecisionLogSettings } from './settings.js';
import { consoleSink } from './sinks/console.js';
import { fileSink } from './sinks/file.js';
import { httpSink } from './sinks/http.js';
import type { DecisionLogCounters, DecisionSink } from './types.js';

export interface CreateDecisionLogOptions {
  /** The console sink's logger, and where a failing sink is reported. */
  logger: Logger;
  counters: DecisionLogCounters;
  /** `labels.version`. */
  version: string;
}

/** The sink the settings name (undefined when DECISION_LOG=off). */
function sinkOf(settings: DecisionLogSettings, logger: Logger): DecisionSink | undefined {
  switch (settings.sink) {
    case 'off':
      return undefined;
    case 'console':
      return consoleSink(logger);
    case 'file':
      return fileSink(settings.file as string);
    case 'http':
      return httpSink({ url: settings.url as URL, token: settings.token, timeoutMs: settings.timeoutMs });
  }
}

/**
 * The decision log the settings describe, or undefined when it is off.
 *
 * @example
 * const log = createDecisionLog(settings.decisionLog, { logger, counters, version: '1.4.0' });
 * const engine = log ? withDecisionLog(inner, log) : inner;
 */
export function createDecisionLog(settings: DecisionLogSettings, options: CreateDecisionLogOptions): DecisionLog | undefined {
  const sink = sinkOf(settings, options.logger);
  if (!sink) return undefined;
  const { logger } = options;
  return new DecisionLog({
    sink,
    capacity: settings.bufferSize,
    batch: settings.batchSize,
    flushMs: settings.flushMs,
    masks: settings.masks,
    labels: { id: settings.instanceId, version: options.version },
    counters: options.counters,
    onSinkState: (ok, error) => {
      if (ok) logger.info({ sink: sink.kind }, 'decision log: the sink accepts events again');
      else logger.warn({ sink: sink.kind, error: error instanceof Error ? error.message : String(error) }, 'decision log: the sink failed; events are held and retried (dropped once the buffer is full)');
    },
  });
}

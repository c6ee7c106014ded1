import type { Logger } from 'pino';
import type { DecisionLogEvent, DecisionSink } from '../types.js';

/**
 * Events as JSON lines through the app's logger, as OPA's console decision logger does: the
 * event's fields at the top level, `msg: "decision log"`, at info whatever LOG_LEVEL says.
 */
export function consoleSink(logger: Logger): DecisionSink {
  const out = logger.child({}, { level: 'info' });
  return {
    kind: 'console',
    async write(events: readonly DecisionLogEvent[]) {
      for (const event of events) out.info(event, 'decision log');
    },
    async close() {
      out.flush();
    },
  };
}

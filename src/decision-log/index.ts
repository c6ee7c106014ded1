/**
 * Decision logs in OPA's format: a decorator of the DecisionEngine that records each decision,
 * a bounded buffer, masking, and sinks (console, file, OPA's HTTP decision-log API).
 */
export type { DecisionLogCounters, DecisionLogEvent, DecisionRecord, DecisionSink } from './types.js';
export { BoundedBuffer } from './buffer.js';
export { toEvent } from './event.js';
export { maskEvent, parseMask, parseMasks, MaskSyntaxError, type MaskRule } from './mask.js';
export { withDecisionLog, type DecisionRecorder } from './engine.js';
export { DecisionLog, type DecisionLogOptions } from './log.js';
export { createDecisionLog, type CreateDecisionLogOptions } from './create.js';
export { decisionLogSettings, type DecisionLogSettings, type DecisionLogSink } from './settings.js';
export { consoleSink } from './sinks/console.js';
export { fileSink } from './sinks/file.js';
export { httpSink, DecisionUploadError, type HttpSinkOptions } from './sinks/http.js';

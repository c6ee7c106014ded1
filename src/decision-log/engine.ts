import { randomUUID } from 'node:crypto';
import { ENTRYPOINTS } from '../engine/entrypoints.js';
import type { DecisionCaller, DecisionEngine, EngineRevision } from '../engine/types.js';
import type { DecisionRecord } from './types.js';

/** Takes a record without waiting: the decision log's buffer (full: the record is dropped and counted). */
export interface DecisionRecorder {
  record(record: DecisionRecord): void;
}

function note(recorder: DecisionRecorder, path: string, input: unknown, result: unknown, revision: EngineRevision | null, started: number, caller: DecisionCaller | undefined): void {
  const evalNs = Math.round((performance.now() - started) * 1e6);
  const id = randomUUID();
  recorder.record({ id, path, input, result, revision, evalNs, at: Date.now() });
  caller?.decided(id);
}

/**
 * The engine with every decision recorded as a decision-log event: the decision is returned
 * unchanged (the same object, so memos and caches above still work), its id goes to the caller.
 * The request path only times the decision, makes a UUID and pushes a record of references.
 */
export function withDecisionLog(engine: DecisionEngine, recorder: DecisionRecorder): DecisionEngine {
  // One decision method, timed and recorded under its entrypoint's path.
  const logged = <I, D>(path: string, decide: (input: I, caller?: DecisionCaller) => D) =>
    (input: I, caller?: DecisionCaller): D => {
      const started = performance.now();
      const decision = decide(input, caller);
      note(recorder, path, input, decision, engine.revision, started, caller);
      return decision;
    };
  return {
    get revision() {
      return engine.revision;
    },
    get reasons() {
      return engine.reasons;
    },
    api: logged(ENTRYPOINTS.api, (input, caller) => engine.api(input, caller)),
    sse: logged(ENTRYPOINTS.sse, (input, caller) => engine.sse(input, caller)),
    contributions: logged(ENTRYPOINTS.contributions, (input, caller) => engine.contributions(input, caller)),
    authz: logged(ENTRYPOINTS.authz, (input, caller) => engine.authz(input, caller)),
  };
}

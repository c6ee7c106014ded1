/**
 * Takes the one snapshot this request will use for every decision and config read, so a
 * reload in the middle of the request can never mix two states.
 */
import type { Snapshot, SnapshotSource } from '../../../engine/state.js';
import { UnavailableError } from '../../errors.js';
import type { GuardStep } from '../../pipeline/index.js';
import type { BffContext } from '../../state.js';

declare module '../../state.js' {
  interface BffState {
    /** The one snapshot this request uses for every decision and config read (the snapshot step). */
    snapshot?: Snapshot;
  }
}

/** The snapshot step: `ctx.state.snapshot`, or 503 `decision_unavailable` when no state is loaded. */
export function snapshotStep(source: SnapshotSource): GuardStep {
  return {
    name: 'snapshot',
    sets: ['snapshot'],
    run(ctx) {
      if (ctx.state.snapshot) return;
      try {
        ctx.state.snapshot = source.current();
      } catch (error) {
        throw new UnavailableError('decision_unavailable', 'Policy is not loaded', { cause: error });
      }
    },
  };
}

/** The snapshot of this request; the snapshot step guarantees it on every route that reads state. */
export function snapshotOf(ctx: BffContext): Snapshot {
  const snapshot = ctx.state.snapshot;
  if (!snapshot) throw new Error('the snapshot step did not run');
  return snapshot;
}

import type { SnapshotSource } from '../../../engine/state.js';
import { UnavailableError } from '../../errors.js';
import type { BffContext, BffMiddleware } from '../../state.js';

/** The synchronous core of the snapshot middleware (composed directly on the plugin-call path). */
export function takeSnapshot(ctx: BffContext, source: SnapshotSource): void {
  if (!ctx.state.snapshot) {
    try {
      ctx.state.snapshot = source.current();
    } catch (error) {
      throw new UnavailableError('decision_unavailable', 'Policy is not loaded', { cause: error });
    }
  }
}

/**
 * Takes the one snapshot this request will use for every decision and config read, so a
 * reload in the middle of the request can never mix two states.
 */
export function createSnapshot(source: SnapshotSource): BffMiddleware {
  return async function snapshot(ctx, next) {
    takeSnapshot(ctx, source);
    await next();
  };
}

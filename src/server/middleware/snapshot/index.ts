import type { SnapshotSource } from '../../../engine/state.js';
import { UnavailableError } from '../../errors.js';
import type { BffMiddleware } from '../../state.js';

/**
 * Takes the one snapshot this request will use for every decision and config read, so a
 * reload in the middle of the request can never mix two states.
 */
export function createSnapshot(source: SnapshotSource): BffMiddleware {
  return async function snapshot(ctx, next) {
    if (!ctx.state.snapshot) {
      try {
        ctx.state.snapshot = source.current();
      } catch (error) {
        throw new UnavailableError('decision_unavailable', 'Policy is not loaded', { cause: error });
      }
    }
    await next();
  };
}

import type { DecisionEngine } from './types.js';

/**
 * The engine to hold when no policy could ever be loaded: every decision is a deny with
 * `engine_unavailable`. Lets a caller keep one code path instead of checking for null.
 */
export const unavailableEngine: DecisionEngine = Object.freeze({
  revision: null,
  api: () => ({ allow: false, reason: 'engine_unavailable' as const }),
  sse: () => ({ allow: false, reason: 'engine_unavailable' as const }),
  contributions: () => ({ plugins: [], reason: 'engine_unavailable' as const }),
  authz: () => ({ allow: false, reason: 'engine_unavailable' as const }),
});

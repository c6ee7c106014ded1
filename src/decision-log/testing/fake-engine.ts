import { testCatalogues } from '../../engine/testing/catalogues.js';
import type { DecisionEngine } from '../../engine/types.js';

/** An engine that answers every question the same way, counting how often it was asked (unit tests only). */
export function fakeEngine(): DecisionEngine & { calls: number } {
  const revision = { policy: 'aaaaaaaaaaaa', data: 'bbbbbbbbbbbb', loadedAt: '2026-01-01T00:00:00.000Z' };
  const engine = {
    calls: 0,
    revision,
    reasons: testCatalogues(),
    api: () => (engine.calls++, { allow: true, reason: 'allowed', plugin_id: 'hello', matched: 'GET /x' }),
    sse: () => (engine.calls++, { allow: false, reason: 'refused' }),
    contributions: () => (engine.calls++, { plugins: [] }),
    authz: () => (engine.calls++, { allow: true, reason: 'granted' }),
  };
  return engine;
}

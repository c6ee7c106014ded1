import { LRUCache } from 'lru-cache';
import type { Snapshot } from '../engine/state.js';
import type { ContributionsDecision } from '../engine/types.js';
import type { SessionData } from './state.js';

// Reasons given only once the policy has recognised the plugin (api and sse decisions).
const RECOGNISED = new Set(['allowed', 'not_allowed', 'incompatible_plugin', 'malformed_path', 'malformed_topic']);

/** The plugin id as a metric label: only ids the policy recognised, so clients cannot blow up label sets. */
export function pluginLabel(reason: string, id: string | undefined): string {
  return id !== undefined && RECOGNISED.has(reason) ? id : 'unknown';
}

const caches = new WeakMap<Snapshot, LRUCache<string, ContributionsDecision>>();

/**
 * The engine's contributions decision for a user, memoised per snapshot (a reload brings a
 * new snapshot and so an empty cache). Failed decisions are not kept.
 */
export function contributionsFor(snapshot: Snapshot, tenant: string, session: SessionData): ContributionsDecision {
  let cache = caches.get(snapshot);
  if (!cache) {
    cache = new LRUCache({ max: 5_000 });
    caches.set(snapshot, cache);
  }
  const key = JSON.stringify([tenant, session.user, session.roles]);
  let decision = cache.get(key);
  if (!decision) {
    decision = snapshot.engine.contributions({ tenant, user: { id: session.user, roles: session.roles } });
    if (!decision.reason) cache.set(key, decision);
  }
  return decision;
}

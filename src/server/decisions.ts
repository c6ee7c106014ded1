/**
 * What the server does with a decision, from the loaded policy's reason catalogue (read once
 * per policy by the engine): the answer to a refusal, and whether the plugin id may be a log
 * field and a metric label. No reason is named here: a policy author adds one in Rego alone.
 */
import { LRUCache } from 'lru-cache';
import type { ReasonClass } from '../engine/catalogue.js';
import type { Snapshot } from '../engine/state.js';
import type { ContributionsDecision } from '../engine/types.js';
import { PolicyRefusalError, UnavailableError, type AppError } from './errors.js';
import type { SessionData } from './state.js';

/**
 * The plugin id as a log field and metric label: only where the decision's reason says the policy
 * recognised the plugin, so clients cannot blow up label sets; otherwise `unknown`.
 */
export function pluginLabel(known: ReasonClass | undefined, id: string | undefined): string {
  return id !== undefined && known?.pluginRecognised === true ? id : 'unknown';
}

/**
 * The error for a denied decision: the catalogue's status, the reason as its code, the
 * catalogue's message and, for an allow-list violation, `X-Allowlist-Violation: 1`. A reason with
 * no catalogue entry is the engine's own (no decision could be made): 503, fail closed.
 */
export function refusalOf(known: ReasonClass | undefined, unavailable: string): AppError {
  if (known?.httpStatus !== undefined && known.message !== undefined) {
    return new PolicyRefusalError(known.reason, known.message, known.httpStatus, known.violation === 'allowlist');
  }
  return new UnavailableError('decision_unavailable', unavailable);
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

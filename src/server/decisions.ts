/**
 * What the server does with a decision, from the loaded policy's reason catalogue (read once
 * per policy by the engine): the answer to a refusal, and whether the plugin id may be a log
 * field and a metric label. No reason is named here: a policy author adds one in Rego alone.
 * Also the engine decorators the app puts around each snapshot's engine, and the caller that
 * carries decision ids to the response.
 */
import { LRUCache } from 'lru-cache';
import type { ReasonClass } from '../engine/catalogue.js';
import type { Snapshot } from '../engine/state.js';
import type { ContributionsDecision, DecisionCaller, DecisionEngine } from '../engine/types.js';
import { PolicyRefusalError, UnavailableError, type AppError } from './errors.js';
import type { BffContext, SessionData } from './state.js';

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

/**
 * The engine with its contributions decision memoised per user (5,000 users at most): the
 * manifests and every bundle fetch ask it. Beneath the decision log, so each request is still
 * logged. One per snapshot's engine: a reload brings a new engine and so an empty memo. Failed
 * decisions are not kept.
 */
export function withContributionsMemo(engine: DecisionEngine): DecisionEngine {
  const cache = new LRUCache<string, ContributionsDecision>({ max: 5_000 });
  return {
    get revision() {
      return engine.revision;
    },
    get reasons() {
      return engine.reasons;
    },
    api: (input, caller) => engine.api(input, caller),
    sse: (input, caller) => engine.sse(input, caller),
    authz: (input, caller) => engine.authz(input, caller),
    contributions(input, caller) {
      const key = JSON.stringify([input.tenant, input.user.id, input.user.roles]);
      let decision = cache.get(key);
      if (!decision) {
        decision = engine.contributions(input, caller);
        if (!decision.reason) cache.set(key, decision);
      }
      return decision;
    },
  };
}

declare module './state.js' {
  interface BffState {
    /** What the engine tells of this request's decisions (callerOf). */
    caller?: DecisionCaller;
  }
}

/** Puts each decision id on the response (`X-Decision-Id`) and in the request log line. */
class ResponseCaller implements DecisionCaller {
  constructor(private readonly ctx: BffContext) {}

  decided(decisionId: string): void {
    const { log } = this.ctx.state;
    log.decisionId = log.decisionId === undefined ? decisionId : `${log.decisionId}, ${decisionId}`;
    // Kept by the error mapper and never relayed from an upstream (security-headers: baseHeaders).
    if (!this.ctx.res.headersSent) this.ctx.res.setHeader('X-Decision-Id', log.decisionId);
  }
}

/** The caller to pass with every decision this request asks. */
export function callerOf(ctx: BffContext): DecisionCaller {
  return (ctx.state.caller ??= new ResponseCaller(ctx));
}

/** The engine's contributions decision for a user (memoised by withContributionsMemo). */
export function contributionsFor(snapshot: Snapshot, tenant: string, session: SessionData, caller?: DecisionCaller): ContributionsDecision {
  return snapshot.engine.contributions({ tenant, user: { id: session.user, roles: session.roles } }, caller);
}

import type { ReasonCatalogues } from './catalogue.js';

/**
 * Decision inputs and outputs. They mirror the Rego entrypoints documented in
 * docs/contracts.md; keep the two in step.
 */

/** Reasons the engine itself produces when no policy decision could be made (fail-closed). */
export type EngineFailureReason = 'evaluation_error' | 'undefined_result';

/**
 * A decision's reason: one its reason catalogue declares (the policy's METADATA, read at load:
 * see catalogue.ts), or an EngineFailureReason. Plain strings, because a policy author adds
 * reasons without a TypeScript change.
 */
export type ApiReason = string;
export type SseReason = string;
export type AuthzReason = string;

export interface ApiInput {
  tenant: string;
  /** Absent, null or empty means the request did not carry `X-Plugin-Id`. */
  plugin_id?: string | null;
  method: string;
  /** Raw request path without the query string, exactly as it will be forwarded. */
  path: string;
}

export interface ApiDecision {
  allow: boolean;
  reason: ApiReason;
  plugin_id?: string;
  /** `METHOD template` of the allow-list entry that matched (only when allowed). */
  matched?: string;
}

export interface SseInput {
  tenant: string;
  plugin_id?: string | null;
  topic: string;
}

export interface SseDecision {
  allow: boolean;
  reason: SseReason;
  /** The declared topic prefix that matched (only when allowed). */
  matched?: string;
}

export interface Subject {
  id: string;
  roles: string[];
}

export interface ContributionsInput {
  tenant: string;
  user: Subject;
}

export interface RouteContribution {
  path: string;
  component: string;
  resource: string;
  action: string;
}

export interface WidgetContribution {
  slot: string;
  component: string;
  resource: string;
  action: string;
}

export interface PluginContributions {
  id: string;
  version: string;
  routes: RouteContribution[];
  widgets: WidgetContribution[];
}

export interface ContributionsDecision {
  plugins: PluginContributions[];
  /** Present only when the engine failed; the plugin list is then empty (fail-closed). */
  reason?: EngineFailureReason;
}

export interface AuthzInput {
  tenant: string;
  subject: Subject;
  resource: string;
  action: string;
}

export interface AuthzDecision {
  allow: boolean;
  reason: AuthzReason;
}

/** Identifies what is serving: the policy module and the compiled data, by content hash. */
export interface EngineRevision {
  /** sha256 (hex, first 12 chars) of policy.wasm. */
  policy: string;
  /** sha256 (hex, first 12 chars) of the compiled data document. */
  data: string;
  /** When this revision started serving (ISO 8601). */
  loadedAt: string;
}

/**
 * Who a decision is made for, as a decorator of the engine sees it (the decision log, which
 * tells it the id it gave the decision). The engine itself ignores it.
 */
export interface DecisionCaller {
  /** Told the id a decision log gave this decision (OPA's `decision_id`). */
  decided(decisionId: string): void;
}

/**
 * What the BFF and the CLI ask. Implementations never throw from a decision method:
 * a decision that cannot be made is a deny with an EngineFailureReason. A decorator (the
 * decision log, a memo) implements it too and passes `caller` on.
 */
export interface DecisionEngine {
  readonly revision: EngineRevision | null;
  /** What each reason of the api, sse and authz decisions means (read once per loaded policy). */
  readonly reasons: ReasonCatalogues;
  api(input: ApiInput, caller?: DecisionCaller): ApiDecision;
  sse(input: SseInput, caller?: DecisionCaller): SseDecision;
  contributions(input: ContributionsInput, caller?: DecisionCaller): ContributionsDecision;
  authz(input: AuthzInput, caller?: DecisionCaller): AuthzDecision;
}

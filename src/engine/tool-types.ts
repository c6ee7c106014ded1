/**
 * Inputs and outputs of the explanation and relation entrypoints the CLI asks (docs/contracts.md,
 * "Explanations and relations"). They mirror the Rego in policy/experience/*\/explanation.rego and
 * policy/experience/tooling; keep the two in step.
 */
import type { RegistryApiEntry, RegistryGrants, RegistrySseEntry, TemplateSegment } from '../config/registry-types.js';
import type { Grant } from '../config/types.js';
import type { ApiDecision, AuthzDecision, ContributionsDecision, SseDecision } from './types.js';

/** The rule that decided, from its METADATA: its `custom.reason`, title and description. */
export interface RuleSummary {
  reason: string;
  title: string;
  description: string;
}

/** Why a path is malformed (paths.malformations); `segment` counts from 1. */
export type PathMalformation =
  | { kind: 'not_a_string' | 'not_absolute' }
  | { kind: 'forbidden'; text: string }
  | { kind: 'empty_segment' | 'dot_segment' | 'dot_segment_parameter'; segment: number; text: string };

/** Where an allow-list entry first differs from a request (paths.template_diagnosis, plus the method). */
export type EntryDifference =
  | { kind: 'template_ended'; segment: number; rest: string[] }
  | { kind: 'path_ended'; segment: number; expected: TemplateSegment }
  | { kind: 'case_differs' | 'look_alike' | 'literal_differs' | 'empty_segment'; segment: number; expected: TemplateSegment; actual: string }
  | { kind: 'method_differs' | 'method_case_differs'; expected: string; actual: unknown };

/** One allow-list entry against the request. */
export interface EntryDiagnosis {
  index: number;
  method: string;
  template: string;
  method_matches: boolean;
  path_matches: boolean;
  /** Leading template segments that match, in a row. */
  matched_segments: number;
  /** Absent when both method and path match. */
  difference?: EntryDifference;
}

/** `experience/api/explanation`. */
export interface ExplainedApi {
  decision: ApiDecision;
  rule: RuleSummary;
  path: { malformations: PathMalformation[] };
  /** Empty unless the plugin is resolved and the path well formed. */
  entries: EntryDiagnosis[];
}

/** Why a topic is malformed (paths.topic_malformations). */
export type TopicMalformation = { kind: 'not_a_string' } | { kind: 'empty_segment' | 'bad_characters'; segment: number; text: string };

export type PrefixDifference =
  | { kind: 'empty_prefix' }
  | { kind: 'topic_ended'; segment: number; expected: string }
  | { kind: 'case_differs' | 'look_alike' | 'literal_differs'; segment: number; expected: string; actual: string };

/** One topic prefix against the topic. */
export interface PrefixDiagnosis {
  index: number;
  prefix: string;
  matches: boolean;
  matched_segments: number;
  difference?: PrefixDifference;
}

/** `experience/sse/explanation`. */
export interface ExplainedSse {
  decision: SseDecision;
  rule: RuleSummary;
  topic: { malformations: TopicMalformation[] };
  /** Empty unless the plugin is resolved and the topic well formed. */
  prefixes: PrefixDiagnosis[];
}

/** A grant of the tenant that covers a resource/action (grants.covering), and whether the subject holds it. */
export interface CoveringGrant {
  kind: 'role' | 'user';
  /** The role name or the user id. */
  name: string;
  /** Its position in that role's or user's list in grants.yaml. */
  index: number;
  grant: Grant;
  held: boolean;
}

/** `experience/authz/explanation`. */
export interface ExplainedAuthz {
  decision: AuthzDecision;
  rule: RuleSummary;
  grants: CoveringGrant[];
}

export interface ExplainedContribution {
  /** Its position in the plugin's routes or widgets. */
  index: number;
  granted: boolean;
  rule: RuleSummary;
  grants: CoveringGrant[];
}

export interface ExplainedPlugin {
  id: string;
  version: string;
  /** False: left out, the host version does not satisfy its engine range. */
  listed: boolean;
  rule: RuleSummary;
  routes: ExplainedContribution[];
  widgets: ExplainedContribution[];
}

/** `experience/contributions/explanation`. */
export interface ExplainedContributions {
  decision: ContributionsDecision;
  /** Every plugin installed for the tenant, sorted by id. */
  plugins: ExplainedPlugin[];
}

/** `experience/tooling/covers`: which outer entry admits everything which inner one admits. */
export interface CoversInput {
  api?: { outer: readonly RegistryApiEntry[]; inner: readonly RegistryApiEntry[] };
  sse?: { outer: readonly RegistrySseEntry[]; inner: readonly RegistrySseEntry[] };
  /** Grants as grants.yaml writes them: which outer grant matches every resource/action the inner one does. */
  grants?: { outer: readonly Grant[]; inner: readonly Grant[] };
}

/** Pairs `[outer index, inner index]`, in index order. */
export interface CoversResult {
  api: [number, number][];
  sse: [number, number][];
  /** Absent from a module built before grant coverage existed (the caller that asked refuses that). */
  grants?: [number, number][];
}

/** A path segment as plugin code writes it: literal, computed, or text mixed with computed parts. */
export type PathPatternSegment = { literal: string } | { dynamic: true } | { partial: string };

export type Coverage = 'declared' | 'undecided' | 'undeclared' | 'malformed';

/** `experience/tooling/declared`: paths and topics of plugin code against its declarations. */
export interface DeclaredInput {
  api: readonly RegistryApiEntry[];
  sse: readonly RegistrySseEntry[];
  /** `method` null: any method. */
  paths: readonly { method: string | null; pattern: readonly PathPatternSegment[] }[];
  topics: readonly string[];
}

export interface DeclaredResult {
  /** Per path: its coverage for its method, and the methods it is declared for (some or all values). */
  paths: { coverage: Coverage; methods: string[] }[];
  topics: Coverage[];
}

/** `experience/tooling/granted`: whether anyone in `grants` is granted each resource/action. */
export interface GrantedInput {
  grants: RegistryGrants;
  wanted: readonly { resource: string; action: string }[];
}

export interface GrantedResult {
  granted: boolean[];
}

/**
 * Guards for what the explanation and relation entrypoints return. A result without the documented
 * shape is an error (the CLI reports it), never a silent "nothing covers" or "nobody is granted":
 * those answers gate CI.
 */
import { asApiDecision, asAuthzDecision, asContributionsDecision, asSseDecision } from './shapes.js';
import type {
  Coverage,
  CoversResult,
  DeclaredResult,
  ExplainedApi,
  ExplainedAuthz,
  ExplainedContributions,
  ExplainedSse,
  GrantedResult,
} from './tool-types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function isArrayOf<T>(v: unknown, item: (x: unknown) => x is T): v is T[];
function isArrayOf(v: unknown, item: (x: unknown) => boolean): v is unknown[];
function isArrayOf(v: unknown, item: (x: unknown) => boolean): boolean {
  return Array.isArray(v) && v.every((x) => item(x));
}
const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(isIndex);
const COVERAGES: ReadonlySet<unknown> = new Set<Coverage>(['declared', 'undecided', 'undeclared', 'malformed']);
const isCoverage = (v: unknown): v is Coverage => COVERAGES.has(v);

const isRule = (v: unknown): boolean => isObj(v) && isString(v.reason) && isString(v.title) && isString(v.description);
const isKinded = (v: unknown): boolean => isObj(v) && isString(v.kind);
const isGrant = (v: unknown): boolean =>
  isObj(v) && (v.kind === 'role' || v.kind === 'user') && isString(v.name) && isIndex(v.index) && isObj(v.grant) && isBoolean(v.held);

function diagnosis(v: unknown, keys: Record<string, (x: unknown) => boolean>): boolean {
  return isObj(v) && Object.entries(keys).every(([k, check]) => check(v[k])) && (v.difference === undefined || isKinded(v.difference));
}

export function asExplainedApi(v: unknown): ExplainedApi | undefined {
  if (!isObj(v) || !isRule(v.rule) || !isObj(v.path) || !isArrayOf(v.path.malformations, isKinded)) return undefined;
  const decision = asApiDecision(v.decision);
  const entryKeys = { index: isIndex, method: isString, template: isString, method_matches: isBoolean, path_matches: isBoolean, matched_segments: isIndex };
  if (!decision || !Array.isArray(v.entries) || !v.entries.every((e) => diagnosis(e, entryKeys))) return undefined;
  return { ...(v as unknown as ExplainedApi), decision };
}

export function asExplainedSse(v: unknown): ExplainedSse | undefined {
  if (!isObj(v) || !isRule(v.rule) || !isObj(v.topic) || !isArrayOf(v.topic.malformations, isKinded)) return undefined;
  const decision = asSseDecision(v.decision);
  const prefixKeys = { index: isIndex, prefix: isString, matches: isBoolean, matched_segments: isIndex };
  if (!decision || !Array.isArray(v.prefixes) || !v.prefixes.every((p) => diagnosis(p, prefixKeys))) return undefined;
  return { ...(v as unknown as ExplainedSse), decision };
}

export function asExplainedAuthz(v: unknown): ExplainedAuthz | undefined {
  if (!isObj(v) || !isRule(v.rule) || !isArrayOf(v.grants, isGrant)) return undefined;
  const decision = asAuthzDecision(v.decision);
  return decision ? { ...(v as unknown as ExplainedAuthz), decision } : undefined;
}

const isContribution = (v: unknown): boolean =>
  isObj(v) && isIndex(v.index) && isBoolean(v.granted) && isRule(v.rule) && isArrayOf(v.grants, isGrant);

const isExplainedPlugin = (v: unknown): boolean =>
  isObj(v) && isString(v.id) && isString(v.version) && isBoolean(v.listed) && isRule(v.rule) &&
  isArrayOf(v.routes, isContribution) && isArrayOf(v.widgets, isContribution);

export function asExplainedContributions(v: unknown): ExplainedContributions | undefined {
  if (!isObj(v) || !isArrayOf(v.plugins, isExplainedPlugin)) return undefined;
  const decision = asContributionsDecision(v.decision);
  return decision ? { ...(v as unknown as ExplainedContributions), decision } : undefined;
}

export function asCoversResult(v: unknown): CoversResult | undefined {
  if (!isObj(v) || !isArrayOf(v.api, isPair) || !isArrayOf(v.sse, isPair)) return undefined;
  if (v.grants === undefined) return { api: v.api, sse: v.sse };
  return isArrayOf(v.grants, isPair) ? { api: v.api, sse: v.sse, grants: v.grants } : undefined;
}

const isPathCoverage = (v: unknown): v is DeclaredResult['paths'][number] =>
  isObj(v) && isCoverage(v.coverage) && isArrayOf(v.methods, isString);

export function asDeclaredResult(v: unknown): DeclaredResult | undefined {
  return isObj(v) && isArrayOf(v.paths, isPathCoverage) && isArrayOf(v.topics, isCoverage) ? { paths: v.paths, topics: v.topics } : undefined;
}

export function asGrantedResult(v: unknown): GrantedResult | undefined {
  return isObj(v) && isArrayOf(v.granted, isBoolean) ? { granted: v.granted } : undefined;
}

import type { ApiDecision, ApiInput, ExplainedApi, ExplainedSse, RuleSummary, SseDecision, SseInput } from '../../../engine/index.js';
import {
  disabledDetail,
  incompatibleDetail,
  locateIn,
  pluginPath,
  registryPlugin,
  unknownPluginDetail,
  unknownTenantDetail,
  type ExplainContext,
  type Location,
} from './context.js';
import { closestEntry, closestPrefix, entryDifference, pathMalformations, prefixDifference, topicMalformations } from './wording.js';

/** An allow-list entry or topic prefix, where it is written, and how it relates to the request. */
export interface EntryRef {
  /** `GET /api/orders/{id}` or the topic prefix. */
  entry: string;
  index: number;
  location?: Location;
  /** For a near miss: where it differs. */
  difference?: string;
  segment?: number;
}

export interface RequestExplanation<I, D> {
  kind: 'api' | 'sse';
  input: I;
  /** The Wasm policy's decision, as the BFF gets it. */
  decision: D;
  /** The policy rule that decided: its METADATA title and description. */
  rule?: RuleSummary;
  /** Why, in words, for reasons other than allowed / allowlist_violation / topic_not_allowed. */
  detail?: string;
  detailLocation?: Location;
  matched?: EntryRef;
  closest?: EntryRef;
  /** How the request was read (a query string or a full URL given as --path). */
  note?: string;
}

export type ApiExplanation = RequestExplanation<ApiInput, ApiDecision>;
export type SseExplanation = RequestExplanation<SseInput, SseDecision>;

/**
 * Explains an API decision from the policy's own explanation: the entry that matched, or the
 * closest one and where it differs, placed in plugins.yaml. Without an explanation (the engine
 * could not decide) only the decision's reason is put in words.
 */
export function explainApi(ctx: ExplainContext, input: ApiInput, decision: ApiDecision, explained: ExplainedApi | undefined): ApiExplanation {
  const out: ApiExplanation = { kind: 'api', input, decision, ...(explained ? { rule: explained.rule } : {}), ...commonDetail(ctx, input, decision.reason) };
  if (!explained) return out;
  if (decision.reason === 'malformed_path') {
    out.detail = pathMalformations(explained.path.malformations);
    return out;
  }
  const plugin = input.plugin_id ? registryPlugin(ctx, input.tenant, input.plugin_id) : undefined;
  const at = input.plugin_id ? pluginPath(ctx, input.tenant, input.plugin_id) : undefined;
  if (!plugin || !at) return out;
  const ref = (index: number): EntryRef => {
    const e = plugin.api[index];
    return { entry: e ? `${e.method} ${e.template}` : `entry ${index}`, index, location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'permissions', 'api', index]) };
  };
  if (decision.allow) {
    // The decision names the first matching entry in file order; the diagnoses say which index that is.
    const matched = explained.entries.find((e) => e.path_matches && e.method_matches);
    if (matched) out.matched = ref(matched.index);
    return out;
  }
  if (decision.reason !== 'allowlist_violation') return out;
  const closest = closestEntry(explained.entries);
  if (!closest) {
    out.detail = `plugin ${plugin.id} declares no API permissions (permissions.api is empty)`;
    return out;
  }
  const differs = closest.difference ? entryDifference(closest.difference, plugin.api[closest.index]?.segments ?? []) : undefined;
  out.closest = { ...ref(closest.index), ...(differs ? { difference: differs.message } : {}), ...(differs?.segment ? { segment: differs.segment } : {}) };
  return out;
}

/** Explains an SSE decision from the policy's own explanation: the prefix that matched, or the closest one. */
export function explainSse(ctx: ExplainContext, input: SseInput, decision: SseDecision, explained: ExplainedSse | undefined): SseExplanation {
  const out: SseExplanation = { kind: 'sse', input, decision, ...(explained ? { rule: explained.rule } : {}), ...commonDetail(ctx, input, decision.reason) };
  if (!explained) return out;
  if (decision.reason === 'malformed_topic') {
    out.detail = topicMalformations(explained.topic.malformations);
    return out;
  }
  const plugin = input.plugin_id ? registryPlugin(ctx, input.tenant, input.plugin_id) : undefined;
  const at = input.plugin_id ? pluginPath(ctx, input.tenant, input.plugin_id) : undefined;
  if (!plugin || !at) return out;
  const ref = (index: number): EntryRef => ({
    entry: plugin.sse[index]?.prefix ?? `prefix ${index}`,
    index,
    location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'permissions', 'sse', index]),
  });
  if (decision.allow) {
    const matched = explained.prefixes.find((p) => p.matches);
    if (matched) out.matched = ref(matched.index);
    return out;
  }
  if (decision.reason !== 'topic_not_allowed') return out;
  const closest = closestPrefix(explained.prefixes);
  if (!closest) {
    out.detail = `plugin ${plugin.id} declares no SSE topics (permissions.sse is empty)`;
    return out;
  }
  const differs = closest.difference ? prefixDifference(closest.difference) : undefined;
  out.closest = { ...ref(closest.index), ...(differs ? { difference: differs.message } : {}), ...(differs?.segment ? { segment: differs.segment } : {}) };
  return out;
}

/** Words for the reasons that do not depend on the allow-list. */
function commonDetail(ctx: ExplainContext, input: { tenant: string; plugin_id?: string | null }, reason: string): { detail?: string; detailLocation?: Location } {
  switch (reason) {
    case 'missing_plugin_id':
      return { detail: 'the request carries no plugin id (the X-Plugin-Id header the SDK stamps); pass --plugin' };
    case 'unknown_tenant':
      return { detail: unknownTenantDetail(ctx, input.tenant) };
    case 'unknown_plugin':
      return { detail: unknownPluginDetail(ctx, input.tenant, input.plugin_id ?? '') };
    case 'incompatible_plugin': {
      const { detail, location } = incompatibleDetail(ctx, input.tenant, input.plugin_id ?? '');
      return { detail, ...(location ? { detailLocation: location } : {}) };
    }
    case 'plugin_disabled': {
      const { detail, location } = disabledDetail(ctx, input.tenant, input.plugin_id ?? '');
      return { detail, ...(location ? { detailLocation: location } : {}) };
    }
    case 'evaluation_error':
    case 'undefined_result':
      return { detail: `the engine could not decide (${reason}); the BFF denies in that case` };
    default:
      return {};
  }
}

import type { ApiDecision, ApiInput, SseDecision, SseInput } from '../../engine/index.js';
import { closestEntry, closestPrefix, compareEntry, malformedPathReason, malformedTopicReason } from '../matching.js';
import {
  incompatibleDetail,
  locateIn,
  pluginPath,
  registryPlugin,
  unknownPluginDetail,
  unknownTenantDetail,
  type ExplainContext,
  type Location,
} from './context.js';

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
  /** Why, in words, for reasons other than allowed / allowlist_violation / topic_not_allowed. */
  detail?: string;
  detailLocation?: Location;
  matched?: EntryRef;
  closest?: EntryRef;
  /** Set when this explanation (TypeScript) and the policy (Wasm) disagree: a policy bug or a stale policy.wasm. */
  note?: string;
}

export type ApiExplanation = RequestExplanation<ApiInput, ApiDecision>;
export type SseExplanation = RequestExplanation<SseInput, SseDecision>;

/** Explains an API decision: the entry that matched, or the closest one and where it differs. */
export function explainApi(ctx: ExplainContext, input: ApiInput, decision: ApiDecision): ApiExplanation {
  const out: ApiExplanation = { kind: 'api', input, decision, ...commonDetail(ctx, input, decision.reason) };
  const plugin = input.plugin_id ? registryPlugin(ctx, input.tenant, input.plugin_id) : undefined;
  const at = input.plugin_id ? pluginPath(ctx, input.tenant, input.plugin_id) : undefined;
  if (!plugin || !at) return out;
  const ref = (index: number): Location => locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'permissions', 'api', index]);
  if (decision.reason === 'malformed_path') {
    out.detail = malformedPathReason(input.path) ?? 'the path is malformed';
    return out;
  }
  if (decision.allow) {
    const index = plugin.api.findIndex((e) => `${e.method} ${e.template}` === decision.matched);
    if (index >= 0) out.matched = { entry: decision.matched ?? '', index, location: ref(index) };
    const mine = plugin.api.findIndex((e, i) => !compareEntry(e, i, input.method, input.path).difference);
    if (index < 0) out.note = `the policy matched "${decision.matched}", which is not in the config: is the policy stale?`;
    else if (mine !== index) out.note = `the policy matched entry ${index}, this explanation finds ${mine < 0 ? 'none' : `entry ${mine}`}: is the policy stale?`;
    return out;
  }
  if (decision.reason !== 'allowlist_violation') return out;
  const closest = closestEntry(plugin.api, input.method, input.path);
  if (!closest) {
    out.detail = `plugin ${plugin.id} declares no API permissions (permissions.api is empty)`;
    return out;
  }
  if (!closest.difference) out.note = `this explanation finds entry ${closest.index} matching, but the policy refused: is the policy stale?`;
  out.closest = {
    entry: `${closest.entry.method} ${closest.entry.template}`,
    index: closest.index,
    location: ref(closest.index),
    ...(closest.difference ? { difference: closest.difference.message } : {}),
    ...(closest.difference?.segment ? { segment: closest.difference.segment } : {}),
  };
  return out;
}

/** Explains an SSE decision: the prefix that matched, or the closest one and where it differs. */
export function explainSse(ctx: ExplainContext, input: SseInput, decision: SseDecision): SseExplanation {
  const out: SseExplanation = { kind: 'sse', input, decision, ...commonDetail(ctx, input, decision.reason) };
  const plugin = input.plugin_id ? registryPlugin(ctx, input.tenant, input.plugin_id) : undefined;
  const at = input.plugin_id ? pluginPath(ctx, input.tenant, input.plugin_id) : undefined;
  if (!plugin || !at) return out;
  const prefixes = plugin.sse.map((s) => s.prefix);
  const ref = (index: number): Location => locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'permissions', 'sse', index]);
  if (decision.reason === 'malformed_topic') {
    out.detail = malformedTopicReason(input.topic) ?? 'the topic is malformed';
    return out;
  }
  if (decision.allow) {
    const index = prefixes.indexOf(decision.matched ?? '');
    if (index >= 0) out.matched = { entry: decision.matched ?? '', index, location: ref(index) };
    return out;
  }
  if (decision.reason !== 'topic_not_allowed') return out;
  const closest = closestPrefix(prefixes, input.topic);
  if (!closest) {
    out.detail = `plugin ${plugin.id} declares no SSE topics (permissions.sse is empty)`;
    return out;
  }
  if (closest.matches) out.note = `this explanation finds prefix "${closest.prefix}" matching, but the policy refused: is the policy stale?`;
  out.closest = {
    entry: closest.prefix,
    index: closest.index,
    location: ref(closest.index),
    ...(closest.difference ? { difference: closest.difference.message } : {}),
    ...(closest.difference?.segment ? { segment: closest.difference.segment } : {}),
  };
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
    case 'evaluation_error':
    case 'undefined_result':
      return { detail: `the engine could not decide (${reason}); the BFF denies in that case` };
    default:
      return {};
  }
}

import type { Grant } from '../../../config/index.js';
import type {
  AuthzDecision,
  AuthzInput,
  ContributionsDecision,
  ContributionsInput,
  CoveringGrant,
  ExplainedAuthz,
  ExplainedContribution,
  ExplainedContributions,
  RuleSummary,
} from '../../../engine/index.js';
import { locateIn, pluginPath, unknownTenantDetail, type ExplainContext, type Location } from './context.js';

/** A grant that gives (or would give) a resource/action, and where it is written. */
export interface GrantRef {
  /** `role member` or `user carol`. */
  subject: string;
  grant: Grant;
  location: Location;
}

export interface ContributionLine {
  kind: 'route' | 'widget';
  /** The route path or the widget slot. */
  target: string;
  component: string;
  resource: string;
  action: string;
  /** From the policy. */
  granted: boolean;
  /** The policy rule that granted or withheld it. */
  rule: RuleSummary;
  /** The user's grants that give it (granted), or the grants of other roles and users that would (withheld). */
  grants: GrantRef[];
  location?: Location;
}

export interface ContributionsExplanation {
  kind: 'contributions';
  input: ContributionsInput;
  decision: ContributionsDecision;
  detail?: string;
  plugins: { id: string; version: string; contributions: ContributionLine[] }[];
  /**
   * Installed but left out: disabled by an operator (`disabled`, its reason), or the host version does not
   * satisfy engine.experience (`range`). `location` is where that is written.
   */
  leftOut: { id: string; version: string; range: string; disabled?: string; rule: RuleSummary; location?: Location }[];
}

export interface AuthzExplanation {
  kind: 'authz';
  input: AuthzInput;
  decision: AuthzDecision;
  /** The policy rule that decided: its METADATA title and description. */
  rule?: RuleSummary;
  detail?: string;
  grants: GrantRef[];
  /** When denied: who else has a grant that would give it. */
  grantedElsewhere: GrantRef[];
}

/** A covering grant the policy reported, placed in grants.yaml. */
function grantRef(ctx: ExplainContext, tenant: string, g: CoveringGrant): GrantRef {
  return { subject: `${g.kind} ${g.name}`, grant: g.grant, location: locateIn(ctx.grantsFile, ctx.grantsDoc, ['tenants', tenant, g.kind === 'role' ? 'roles' : 'users', g.name, g.index]) };
}

/** The grants held by the subject that give it, or (when not granted) those held by others that would. */
function deciding(ctx: ExplainContext, tenant: string, grants: readonly CoveringGrant[], granted: boolean): GrantRef[] {
  return grants.filter((g) => g.held === granted).map((g) => grantRef(ctx, tenant, g));
}

/**
 * Explains the contributions decision from the policy's explanation: for every compatible plugin,
 * each route and widget, whether the policy granted it and which grant did (or which grants
 * elsewhere would); and the plugins it left out.
 */
export function explainContributions(ctx: ExplainContext, input: ContributionsInput, decision: ContributionsDecision, explained: ExplainedContributions | undefined): ContributionsExplanation {
  const out: ContributionsExplanation = { kind: 'contributions', input, decision, plugins: [], leftOut: [] };
  if (decision.reason) out.detail = `the engine could not decide (${decision.reason}); the BFF shows no plugins in that case`;
  if (!ctx.registry.tenants[input.tenant]) {
    out.detail = unknownTenantDetail(ctx, input.tenant);
    return out;
  }
  const config = ctx.plugins.tenants[input.tenant] ?? [];
  for (const p of explained?.plugins ?? []) {
    const plugin = ctx.registry.tenants[input.tenant]?.plugins[p.id];
    const at = pluginPath(ctx, input.tenant, p.id);
    if (!plugin || !at) continue;
    if (!p.listed) {
      const range = config.find((c) => c.id === p.id)?.engine.experience ?? '?';
      // The policy's rule says why; the operator's words and where they are written come from the data.
      const disabled = plugin.disabled?.reason;
      const field = disabled === undefined ? ['engine', 'experience'] : ['disabled', 'reason'];
      out.leftOut.push({ id: p.id, version: p.version, range, ...(disabled === undefined ? {} : { disabled }), rule: p.rule, location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, ...field]) });
      continue;
    }
    const line = (kind: 'route' | 'widget', target: string, item: { component: string; resource: string; action: string }, e: ExplainedContribution): ContributionLine => ({
      kind,
      target,
      component: item.component,
      resource: item.resource,
      action: item.action,
      granted: e.granted,
      rule: e.rule,
      grants: deciding(ctx, input.tenant, e.grants, e.granted),
      location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'contributions', kind === 'route' ? 'routes' : 'widgets', e.index]),
    });
    const routes = p.routes.flatMap((e) => {
      const r = plugin.routes[e.index];
      return r ? [line('route', r.path, r, e)] : [];
    });
    const widgets = p.widgets.flatMap((e) => {
      const w = plugin.widgets[e.index];
      return w ? [line('widget', w.slot, w, e)] : [];
    });
    out.plugins.push({ id: p.id, version: p.version, contributions: [...routes, ...widgets] });
  }
  return out;
}

/** Explains an authz decision from the policy's explanation: the subject's grants that gave it, or who else has one. */
export function explainAuthz(ctx: ExplainContext, input: AuthzInput, decision: AuthzDecision, explained: ExplainedAuthz | undefined): AuthzExplanation {
  const grants = explained?.grants ?? [];
  const out: AuthzExplanation = {
    kind: 'authz',
    input,
    decision,
    ...(explained ? { rule: explained.rule } : {}),
    grants: decision.allow ? deciding(ctx, input.tenant, grants, true) : [],
    grantedElsewhere: decision.allow ? [] : deciding(ctx, input.tenant, grants, false),
  };
  if (decision.reason === 'unknown_tenant') out.detail = unknownTenantDetail(ctx, input.tenant);
  else if (decision.reason !== 'granted' && decision.reason !== 'not_granted') out.detail = `the engine could not decide (${decision.reason}); the BFF denies in that case`;
  return out;
}

import type { Grant } from '../../config/index.js';
import type { AuthzDecision, AuthzInput, ContributionsDecision, ContributionsInput, Subject } from '../../engine/index.js';
import { covers } from '../matching.js';
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
  /** From the policy's decision. */
  granted: boolean;
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
  /** Installed but left out: the host version does not satisfy engine.experience. */
  leftOut: { id: string; version: string; range: string; location?: Location }[];
  note?: string;
}

export interface AuthzExplanation {
  kind: 'authz';
  input: AuthzInput;
  decision: AuthzDecision;
  detail?: string;
  grants: GrantRef[];
  /** When denied: who else has a grant that would give it. */
  grantedElsewhere: GrantRef[];
}

/** Every grant in the tenant that covers resource/action, split into the subject's own and others'. */
function grantsFor(ctx: ExplainContext, tenant: string, subject: Subject, resource: string, action: string): { own: GrantRef[]; others: GrantRef[] } {
  const own: GrantRef[] = [];
  const others: GrantRef[] = [];
  const tenantGrants = ctx.grants.tenants[tenant];
  if (!tenantGrants) return { own, others };
  const groups = [
    ['roles', 'role', tenantGrants.roles, (name: string) => subject.roles.includes(name)],
    ['users', 'user', tenantGrants.users, (name: string) => name === subject.id],
  ] as const;
  for (const [key, noun, subjects, isOwn] of groups) {
    for (const [name, grants] of Object.entries(subjects)) {
      grants.forEach((grant, i) => {
        if (!covers(grant, resource, action)) return;
        const ref = { subject: `${noun} ${name}`, grant, location: locateIn(ctx.grantsFile, ctx.grantsDoc, ['tenants', tenant, key, name, i]) };
        (isOwn(name) ? own : others).push(ref);
      });
    }
  }
  return { own, others };
}

/**
 * Explains the contributions decision: for every compatible plugin, each route and widget,
 * whether the policy granted it and which grant did (or which grants elsewhere would).
 */
export function explainContributions(ctx: ExplainContext, input: ContributionsInput, decision: ContributionsDecision): ContributionsExplanation {
  const out: ContributionsExplanation = { kind: 'contributions', input, decision, plugins: [], leftOut: [] };
  if (decision.reason) out.detail = `the engine could not decide (${decision.reason}); the BFF shows no plugins in that case`;
  const tenant = ctx.registry.tenants[input.tenant];
  if (!tenant) {
    out.detail = unknownTenantDetail(ctx, input.tenant);
    return out;
  }
  const config = ctx.plugins.tenants[input.tenant] ?? [];
  for (const id of Object.keys(tenant.plugins).sort()) {
    const plugin = tenant.plugins[id];
    const at = pluginPath(ctx, input.tenant, id);
    const written = config.find((p) => p.id === id);
    if (!plugin || !at) continue;
    if (!plugin.compatible) {
      out.leftOut.push({
        id,
        version: plugin.version,
        range: written?.engine.experience ?? '?',
        location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'engine', 'experience']),
      });
      continue;
    }
    const decided = decision.plugins.find((p) => p.id === id);
    const lines: ContributionLine[] = [];
    const items = [
      ['route', 'routes', plugin.routes.map((r) => ({ ...r, target: r.path })), decided?.routes ?? []],
      ['widget', 'widgets', plugin.widgets.map((w) => ({ ...w, target: w.slot })), decided?.widgets ?? []],
    ] as const;
    for (const [kind, key, declared, granted] of items) {
      declared.forEach((item, i) => {
        const isGranted = (granted as readonly { component: string; resource: string; action: string; path?: string; slot?: string }[]).some(
          (g) => g.component === item.component && g.resource === item.resource && g.action === item.action && (g.path ?? g.slot) === item.target,
        );
        const { own, others } = grantsFor(ctx, input.tenant, input.user, item.resource, item.action);
        if (isGranted && own.length === 0) out.note = `the policy granted ${kind} ${item.target} of ${id}, but this explanation finds no grant: is the policy stale?`;
        lines.push({
          kind,
          target: item.target,
          component: item.component,
          resource: item.resource,
          action: item.action,
          granted: isGranted,
          grants: isGranted ? own : others,
          location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'contributions', key, i]),
        });
      });
    }
    out.plugins.push({ id, version: plugin.version, contributions: lines });
  }
  return out;
}

/** Explains an authz decision: which of the subject's grants gave it, or who else has one. */
export function explainAuthz(ctx: ExplainContext, input: AuthzInput, decision: AuthzDecision): AuthzExplanation {
  const { own, others } = grantsFor(ctx, input.tenant, input.subject, input.resource, input.action);
  const out: AuthzExplanation = { kind: 'authz', input, decision, grants: decision.allow ? own : [], grantedElsewhere: decision.allow ? [] : others };
  if (decision.reason === 'unknown_tenant') out.detail = unknownTenantDetail(ctx, input.tenant);
  else if (decision.reason !== 'granted' && decision.reason !== 'not_granted') out.detail = `the engine could not decide (${decision.reason}); the BFF denies in that case`;
  return out;
}

import etag from 'etag';
import type { Snapshot } from '../../engine/state.js';
import type { ContributionsDecision, PluginContributions } from '../../engine/types.js';
import type { AppDeps } from '../deps.js';
import { callerOf, contributionsFor } from '../decisions.js';
import { UnavailableError } from '../errors.js';
import { pluginsOf } from '../plugins.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

export interface ManifestEntry {
  id: string;
  version: string;
  entry: string;
  integrity?: string;
  devUrl?: string;
  contributions: { routes: PluginContributions['routes']; widgets: PluginContributions['widgets'] };
}

/** The bundle route URL for a plugin: always same-origin, even for a dev-server bundle. */
function bundleEntry(id: string, version: string): string {
  return `/api/plugins/bundle?entry=${encodeURIComponent(`${id}@${version}`)}&id=${encodeURIComponent(id)}`;
}

/**
 * `GET /api/plugins/manifests`: the tenant's compatible plugins with only the contributions
 * the engine grants this user. Private, revalidated with an ETag.
 */
export function manifestsRoute(deps: AppDeps): BffMiddleware {
  const development = deps.settings.mode === 'development';
  // The document follows from the (memoised) decision and the snapshot: build it once per decision.
  const documents = new WeakMap<object, { body: string; etag: string }>();

  function render(snapshot: Snapshot, tenant: string, decision: ContributionsDecision): { body: string; etag: string } {
    const configured = pluginsOf(snapshot.config, tenant);
    const plugins: ManifestEntry[] = [];
    for (const plugin of decision.plugins) {
      const config = configured.get(plugin.id);
      if (!config || config.version !== plugin.version) continue;
      const entry: ManifestEntry = { id: plugin.id, version: plugin.version, entry: bundleEntry(plugin.id, plugin.version), contributions: { routes: plugin.routes, widgets: plugin.widgets } };
      if (config.bundle.integrity) entry.integrity = config.bundle.integrity;
      if (development && config.bundle.url) entry.devUrl = config.bundle.url;
      plugins.push(entry);
    }
    const { revision } = snapshot;
    const body = JSON.stringify({ revision: `${revision.id}-${revision.policy}-${revision.data}-${revision.config}`, plugins });
    return { body, etag: etag(body) };
  }

  return async function manifests(ctx) {
    ctx.state.log.route = 'manifests';
    const snapshot = snapshotOf(ctx);
    const tenant = tenantOf(ctx);
    const session = sessionOf(ctx);
    const decision = contributionsFor(snapshot, tenant, session, callerOf(ctx));
    if (decision.reason) {
      ctx.state.log.reason = decision.reason;
      throw new UnavailableError('decision_unavailable', 'Plugins could not be authorised');
    }
    let document = documents.get(decision);
    if (!document) {
      document = render(snapshot, tenant, decision);
      documents.set(decision, document);
    }
    const { body } = document;
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.set('Vary', 'Cookie');
    ctx.set('ETag', document.etag);
    ctx.type = 'application/json';
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = body;
  };
}

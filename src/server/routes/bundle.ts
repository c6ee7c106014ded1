/**
 * `GET /api/plugins/bundle?entry=<id>@<version>&id=<id>`: the plugin's ESM bundle. Only the
 * two parameters, each once; the plugin must be the tenant's, compatible, and the entry must
 * name its configured version. The file comes from the plugin's own folder under
 * PLUGINS_ROOT; with `integrity` set, mismatching bytes are refused (409, empty, no-store).
 * Everything comes from the request's snapshot: a reload applies to the next request.
 */
import type { PluginConfig } from '../../config/types.js';
import { fetchDevBundle } from '../bundles/dev.js';
import { BundleLocator } from '../bundles/locate.js';
import { describe, type BundleBytes } from '../bundles/store.js';
import type { AppDeps } from '../deps.js';
import { contributionsFor } from '../decisions.js';
import { InputError, IntegrityError, NotFoundError, UnavailableError } from '../errors.js';
import { pluginsOf } from '../plugins.js';
import { sessionOf, snapshotOf, tenantOf, type BffContext, type BffMiddleware } from '../state.js';

function parseQuery(querystring: string): { entry: string; id: string } {
  if (querystring.length > 512) throw new InputError('invalid_query', 'Query too long');
  const params = new URLSearchParams(querystring);
  const seen = new Map<string, string>();
  for (const [key, value] of params) {
    if ((key !== 'entry' && key !== 'id') || seen.has(key)) throw new InputError('invalid_query', 'Expected exactly one entry and one id');
    seen.set(key, value);
  }
  const entry = seen.get('entry');
  const id = seen.get('id');
  if (!entry || !id || entry.includes('\0') || id.includes('\0')) throw new InputError('invalid_query', 'Expected exactly one entry and one id');
  return { entry, id };
}

const notFound = () => new NotFoundError('bundle_not_found', 'Bundle not found');

function matchesIntegrity(configured: string, bytes: BundleBytes): boolean {
  return configured.toLowerCase() === bytes.integrity;
}

export function bundleRoute(deps: AppDeps): BffMiddleware {
  const { settings } = deps;
  const development = settings.mode === 'development';
  const locator = new BundleLocator();

  async function load(plugin: PluginConfig): Promise<BundleBytes> {
    if (plugin.bundle.url !== undefined) {
      if (!development) throw notFound();
      return describe(await fetchDevBundle(plugin.bundle.url, settings.upstreamTimeoutMs));
    }
    if (plugin.bundle.file === undefined) throw notFound();
    const found = await locator.locate(settings.pluginsRoot, settings.pluginsMount, plugin.id, plugin.bundle.file);
    const bytes = found === undefined ? undefined : await deps.bundles.read(found.real, found.stats);
    if (!bytes) throw notFound();
    return bytes;
  }

  return async function bundle(ctx: BffContext) {
    ctx.state.log.route = 'bundle';
    const { entry, id } = parseQuery(ctx.querystring);
    const snapshot = snapshotOf(ctx);
    const tenant = tenantOf(ctx);
    const plugin = pluginsOf(snapshot.config, tenant).get(id);
    if (!plugin || entry !== `${plugin.id}@${plugin.version}`) throw notFound();
    ctx.state.log.plugin = plugin.id;
    // Compatibility is the engine's call: the contributions decision lists exactly the
    // tenant's compatible plugins (whatever this user may see of them).
    const session = sessionOf(ctx);
    const decision = contributionsFor(snapshot, tenant, session);
    if (decision.reason) throw new UnavailableError('decision_unavailable', 'Plugins could not be authorised');
    if (!decision.plugins.some((p) => p.id === plugin.id && p.version === plugin.version)) throw notFound();

    const bytes = await load(plugin);
    if (plugin.bundle.integrity !== undefined && !matchesIntegrity(plugin.bundle.integrity, bytes)) {
      deps.metrics.integrityFailures.inc({ tenant, plugin: plugin.id });
      deps.logger.error({ tenant, plugin: plugin.id, version: plugin.version }, 'bundle integrity mismatch');
      throw new IntegrityError('integrity_mismatch', 'Bundle integrity check failed');
    }
    ctx.status = 200;
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('ETag', bytes.etag);
    // Revalidated every time (ETag -> 304), never kept as immutable: the URL names id@version, not
    // the bytes, and a reload can repoint, re-pin or unpin that version (a rebuild + `hash --write`,
    // a pin tightened to refuse the old bytes). A browser must never keep bytes the config refuses.
    ctx.set('Cache-Control', 'private, no-cache');
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = bytes.bytes;
  };
}

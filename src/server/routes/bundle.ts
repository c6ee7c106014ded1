/**
 * `GET /api/plugins/bundle?entry=<entry>&id=<id>`: the plugin's ESM bundle. Only the two
 * parameters, each once. `entry` is `<id>@<version>` (what the manifests hand out: that
 * version only) or `<id>` (the spec's form: the current version); its id must be `id`
 * (else 400). The plugin must be the tenant's and compatible, and a version must be its configured one (else 404). The file comes
 * from the plugin's own folder under PLUGINS_ROOT; with `integrity` set, mismatching bytes are
 * refused in either form (409, empty, no-store).
 */
import type { PluginConfig } from '../../config/types.js';
import { fetchDevBundle } from '../bundles/dev.js';
import { BundleLocator } from '../bundles/locate.js';
import { describe, type BundleBytes } from '../bundles/store.js';
import type { AppDeps } from '../deps.js';
import { callerOf, contributionsFor } from '../decisions.js';
import { InputError, IntegrityError, NotFoundError, UnavailableError } from '../errors.js';
import { pluginsOf } from '../plugins.js';
import { sessionOf, snapshotOf, tenantOf, type BffContext, type BffMiddleware } from '../state.js';

/** Which bundle a query asks for; `version` undefined: the plugin's current one. */
interface BundleQuery {
  id: string;
  version: string | undefined;
}

const shape = () => new InputError('invalid_query', 'Expected exactly one entry and one id');

function parseQuery(querystring: string): BundleQuery {
  if (querystring.length > 512) throw new InputError('invalid_query', 'Query too long');
  const params = new URLSearchParams(querystring);
  const seen = new Map<string, string>();
  for (const [key, value] of params) {
    if ((key !== 'entry' && key !== 'id') || seen.has(key)) throw shape();
    seen.set(key, value);
  }
  const entry = seen.get('entry');
  const id = seen.get('id');
  if (!entry || !id || entry.includes('\0') || id.includes('\0')) throw shape();
  // Neither ids nor versions contain `@`: the first one separates them.
  const at = entry.indexOf('@');
  const named = at === -1 ? entry : entry.slice(0, at);
  const version = at === -1 ? undefined : entry.slice(at + 1);
  // Decided from the query alone (no config read), so it says nothing about what is deployed.
  if (named !== id || version === '') throw new InputError('invalid_query', 'entry must be <id> or <id>@<version> of the plugin named by id');
  return { id, version };
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
    const query = parseQuery(ctx.querystring);
    const snapshot = snapshotOf(ctx);
    const tenant = tenantOf(ctx);
    const plugin = pluginsOf(snapshot.config, tenant).get(query.id);
    if (!plugin || (query.version !== undefined && query.version !== plugin.version)) throw notFound();
    ctx.state.log.plugin = plugin.id;
    // Compatibility is the engine's call: the contributions decision lists exactly the
    // tenant's compatible plugins (whatever this user may see of them).
    const session = sessionOf(ctx);
    const decision = contributionsFor(snapshot, tenant, session, callerOf(ctx));
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
    // Both forms are revalidated every time (ETag -> 304), never kept as immutable: the URL names id@version, not
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

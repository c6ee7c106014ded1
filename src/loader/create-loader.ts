import { importBundle } from './bundle-import.js';
import { checkManifest } from './check-manifest.js';
import { createManifestClient } from './discovery.js';
import { LoaderError } from './errors/index.js';
import { createModuleCache, type ModuleImporter } from './module-cache.js';
import { resolveContributions, type BundleOutcome } from './resolve.js';
import type { HostMode, LoadResult, ManifestsDocument, PluginManifest, PluginRecord } from './types.js';

export interface LoaderOptions {
  /** The host page's origin: bundles must come from here. */
  origin: string;
  mode: HostMode;
  /** The Experience host version, checked against a manifest's `engine.experience` if it has one. */
  hostVersion: string;
  fetch?: typeof fetch;
  importer?: ModuleImporter;
  /** Called once per problem (refused manifest, failed bundle, missing component). */
  report?: (problem: LoaderError) => void;
}

export interface PluginLoader {
  /**
   * Discovers and loads the plugins for `scope` (user + tenant). Manifests and modules are cached
   * for the session; when the BFF answers 304 the previous result object is returned as is.
   */
  load(scope: string): Promise<LoadResult>;
  /** Forget cached manifests (on sign-out); imported modules stay, they are keyed by version. */
  reset(): void;
}

export function createPluginLoader(options: LoaderOptions): PluginLoader {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const manifests = createManifestClient(fetchImpl);
  const modules = createModuleCache(options.importer);
  const report = options.report ?? (() => {});
  let last: { scope: string; result: LoadResult } | null = null;

  async function resolveAll(doc: ManifestsDocument): Promise<LoadResult> {
    const checked = doc.plugins.map((raw) => checkManifest(raw, options));
    const outcomes = await Promise.all(checked.map(async (c): Promise<BundleOutcome | null> => {
      if (!c.manifest) return null;
      if (c.error) return { error: c.error };
      try {
        return { module: await importBundle(c.manifest.id, new URL(c.manifest.entry, options.origin).href, modules, fetchImpl) };
      } catch (e) {
        return { error: e instanceof LoaderError ? e : new LoaderError('bundle_load_failed', c.manifest.id, String(e)) };
      }
    }));
    const result: LoadResult = { revision: doc.revision, plugins: [], routes: [], widgets: [], problems: [] };
    const claimed = new Set<string>();
    checked.forEach((c, i) => {
      const outcome = outcomes[i];
      if (c.error) result.problems.push(c.error);
      result.plugins.push(pluginRecord(c.manifest, c.error, outcome));
      if (!c.manifest || !outcome) return;
      if ('error' in outcome && outcome.error !== c.error) result.problems.push(outcome.error);
      const r = resolveContributions(c.manifest, outcome, claimed);
      result.routes.push(...r.routes);
      result.widgets.push(...r.widgets);
      result.problems.push(...r.problems);
    });
    for (const p of result.problems) report(p);
    return result;
  }

  return {
    async load(scope) {
      const { document, changed } = await manifests.discover(scope);
      if (!changed && last && last.scope === scope) return last.result;
      const result = await resolveAll(document);
      last = { scope, result };
      return result;
    },
    reset() {
      manifests.reset();
      last = null;
    },
  };
}

function pluginRecord(manifest: PluginManifest | null, refusal: LoaderError | null, outcome: BundleOutcome | null | undefined): PluginRecord {
  const error = refusal ?? (outcome && 'error' in outcome ? outcome.error : null);
  return {
    id: manifest?.id ?? refusal?.pluginId ?? '?',
    version: manifest?.version ?? '',
    status: refusal ? 'refused' : error ? 'failed' : 'loaded',
    error,
    manifest,
  };
}

/**
 * The runtime loader: discovery from the manifests route, import through the same-origin bundle
 * route, and resolution of contributions into route and widget records. Browser-only code.
 */
export { createPluginLoader, type LoaderOptions, type PluginLoader } from './create-loader.js';
export { checkManifest, type CheckOptions, type CheckResult } from './check-manifest.js';
export { resolveContributions, isComponent, type BundleOutcome, type Resolved } from './resolve.js';
export { createManifestClient, MANIFESTS_ROUTE, type ManifestClient, type Discovered } from './discovery.js';
export { createModuleCache, browserImport, type ModuleCache, type ModuleImporter } from './module-cache.js';
export { BUNDLE_ROUTE, entryProblem, isLocalDevUrl } from './entry.js';
export { BFF_ENDPOINTS, RESERVED_PREFIXES, SHELL_PATHS, isReservedPath } from './reserved.js';
export * from './errors/index.js';
export type {
  HostMode, LoadResult, ManifestRoute, ManifestWidget, ManifestsDocument, PluginComponent, PluginManifest, PluginRecord,
  RouteRecord, WidgetRecord,
} from './types.js';

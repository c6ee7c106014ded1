import type { ComponentType } from 'react';
import type { LoaderError } from './errors/index.js';

export type HostMode = 'development' | 'production' | 'test';

export interface ManifestRoute {
  path: string;
  component: string;
  resource?: string;
  action?: string;
}

export interface ManifestWidget {
  slot: string;
  component: string;
  resource?: string;
  action?: string;
}

/** One plugin as `GET /api/plugins/manifests` describes it (already PDP-filtered by the BFF). */
export interface PluginManifest {
  id: string;
  version: string;
  /** Always the same-origin bundle route: `/api/plugins/bundle?entry=...&id=<id>`. */
  entry: string;
  integrity?: string;
  /** Development only: the author's dev server, proxied by the BFF through `entry`. */
  devUrl?: string;
  engine?: { experience: string };
  contributions: { routes: ManifestRoute[]; widgets: ManifestWidget[] };
}

export interface ManifestsDocument {
  revision: string;
  plugins: unknown[];
}

/**
 * A component a plugin exports. Loose on purpose: the loader only knows it is renderable; the
 * host passes `{ sdk }` (and `slot` for widgets).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PluginComponent = ComponentType<any>;

/** A route the host mounts. `component` is null when `error` says why it cannot render. */
export interface RouteRecord {
  pluginId: string;
  path: string;
  componentName: string;
  component: PluginComponent | null;
  error: LoaderError | null;
}

export interface WidgetRecord {
  pluginId: string;
  slot: string;
  componentName: string;
  component: PluginComponent | null;
  error: LoaderError | null;
}

export interface PluginRecord {
  id: string;
  version: string;
  status: 'loaded' | 'failed' | 'refused';
  error: LoaderError | null;
  manifest: PluginManifest | null;
}

export interface LoadResult {
  revision: string;
  plugins: PluginRecord[];
  routes: RouteRecord[];
  widgets: WidgetRecord[];
  /** Every problem met, in order; each was also reported. */
  problems: LoaderError[];
}

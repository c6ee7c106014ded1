import { ContributionRefusedError, MissingComponentError, type LoaderError } from './errors/index.js';
import { SHELL_PATHS, isReservedPath } from './reserved.js';
import type { PluginComponent, PluginManifest, RouteRecord, WidgetRecord } from './types.js';

/** What importing the bundle gave: its module namespace, or why there is none. */
export type BundleOutcome = { module: Record<string, unknown> } | { error: LoaderError };

export interface Resolved {
  routes: RouteRecord[];
  widgets: WidgetRecord[];
  problems: LoaderError[];
}

const SLOT = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * Turns a manifest's contributions into route and widget records pointing at the components the
 * bundle exports. A contribution whose component is missing, or whose bundle failed, still gets a
 * record (with `error`) so the host shows an error panel where the plugin would have been.
 * `claimed` holds route paths already taken by earlier plugins; this call adds its own.
 */
export function resolveContributions(manifest: PluginManifest, outcome: BundleOutcome, claimed: Set<string>): Resolved {
  const out: Resolved = { routes: [], widgets: [], problems: [] };
  const lookup = (name: string): { component: PluginComponent | null; error: LoaderError | null } => {
    if ('error' in outcome) return { component: null, error: outcome.error };
    const value = outcome.module[name];
    if (isComponent(value)) return { component: value, error: null };
    const error = new MissingComponentError(manifest.id, name, Object.keys(outcome.module).sort());
    out.problems.push(error);
    return { component: null, error };
  };

  for (const route of manifest.contributions.routes) {
    const refusal = routeProblem(route.path, claimed);
    if (refusal) {
      out.problems.push(new ContributionRefusedError(manifest.id, `route ${route.path}: ${refusal}`));
      continue;
    }
    claimed.add(route.path);
    out.routes.push({ pluginId: manifest.id, path: route.path, componentName: route.component, ...lookup(route.component) });
  }
  for (const widget of manifest.contributions.widgets) {
    if (!SLOT.test(widget.slot)) {
      out.problems.push(new ContributionRefusedError(manifest.id, `widget slot ${JSON.stringify(widget.slot)} is malformed`));
      continue;
    }
    out.widgets.push({ pluginId: manifest.id, slot: widget.slot, componentName: widget.component, ...lookup(widget.component) });
  }
  return out;
}

function routeProblem(path: string, claimed: Set<string>): string | null {
  if (!/^\/[A-Za-z0-9._~\-/:]*$/.test(path) || path.includes('//')) return 'is not a plain absolute path';
  if (isReservedPath(path)) return 'is reserved for the BFF';
  if (SHELL_PATHS.includes(path)) return 'belongs to the shell';
  if (claimed.has(path)) return 'is already taken by another plugin';
  return null;
}

/** Function and class components, and React's wrapper objects (`memo`, `forwardRef`, `lazy`). */
export function isComponent(value: unknown): value is PluginComponent {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && '$$typeof' in value;
}

import { PLUGIN_ID } from '../sdk/plugin-id.js';
import { isCompatible } from './compat.js';
import { entryProblem, isLocalDevUrl } from './entry.js';
import { ManifestRefusedError } from './errors/index.js';
import type { HostMode, ManifestRoute, ManifestWidget, PluginManifest } from './types.js';

export interface CheckOptions {
  origin: string;
  mode: HostMode;
  hostVersion: string;
}

export type CheckResult =
  | { manifest: PluginManifest; error: null }
  /** `manifest` is kept when it parsed, so the host can show the refusal where the plugin would be. */
  | { manifest: PluginManifest | null; error: ManifestRefusedError };

/**
 * Decides whether one manifest may be imported: well-formed, compatible with this host, entry on
 * the same-origin bundle route, and a dev URL only when the host runs in development mode.
 */
export function checkManifest(raw: unknown, options: CheckOptions): CheckResult {
  const parsed = parse(raw);
  if (typeof parsed === 'string') {
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '?';
    return { manifest: null, error: new ManifestRefusedError('invalid_manifest', id, parsed) };
  }
  const m = parsed;
  if (m.engine && !isCompatible(options.hostVersion, m.engine.experience)) {
    const msg = `version ${m.version} needs Experience ${m.engine.experience}; this host is ${options.hostVersion}`;
    return { manifest: null, error: new ManifestRefusedError('incompatible_plugin', m.id, msg) };
  }
  const problem = entryProblem(m.entry, m.id, options.origin);
  if (problem) return { manifest: m, error: new ManifestRefusedError('entry_refused', m.id, problem) };
  if (m.devUrl !== undefined) {
    if (options.mode !== 'development') {
      const msg = `it points at the development URL ${m.devUrl}, which is allowed only when the host runs in development mode (this host: ${options.mode})`;
      return { manifest: m, error: new ManifestRefusedError('dev_url_refused', m.id, msg) };
    }
    if (!isLocalDevUrl(m.devUrl)) {
      const msg = `development URL ${m.devUrl} is not on localhost`;
      return { manifest: m, error: new ManifestRefusedError('dev_url_refused', m.id, msg) };
    }
  }
  return { manifest: m, error: null };
}

function parse(raw: unknown): PluginManifest | string {
  if (!isObject(raw)) return 'the manifest is not an object';
  const { id, version, entry, integrity, devUrl, engine, contributions } = raw;
  if (typeof id !== 'string' || !PLUGIN_ID.test(id)) return `id ${JSON.stringify(id)} is not a plugin id`;
  if (typeof version !== 'string' || version === '') return 'version is missing';
  if (typeof entry !== 'string') return 'entry is missing';
  if (integrity !== undefined && typeof integrity !== 'string') return 'integrity is not a string';
  if (devUrl !== undefined && typeof devUrl !== 'string') return 'devUrl is not a string';
  if (engine !== undefined && !(isObject(engine) && typeof engine.experience === 'string')) return 'engine.experience is not a string';
  const c = contributions === undefined ? {} : contributions;
  if (!isObject(c)) return 'contributions is not an object';
  const routes = list<ManifestRoute>(c.routes, ['path', 'component']);
  const widgets = list<ManifestWidget>(c.widgets, ['slot', 'component']);
  if (!routes) return 'contributions.routes must be a list of {path, component}';
  if (!widgets) return 'contributions.widgets must be a list of {slot, component}';
  return {
    id, version, entry,
    ...(integrity !== undefined ? { integrity } : {}),
    ...(devUrl !== undefined ? { devUrl } : {}),
    ...(engine !== undefined ? { engine: { experience: (engine as { experience: string }).experience } } : {}),
    contributions: { routes, widgets },
  };
}

function list<T>(value: unknown, required: string[]): T[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  for (const item of value) {
    if (!isObject(item) || required.some((k) => typeof item[k] !== 'string' || item[k] === '')) return null;
  }
  return value as T[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

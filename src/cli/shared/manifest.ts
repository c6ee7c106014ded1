/**
 * Spec-style plugin manifests (the overview's Contract: id, version, engine.experience,
 * contributions, permissions) -> plugins.yaml entries. Every default applied, value converted
 * and field left behind is noted, so nothing is dropped silently.
 */
import { formatPath } from '../../config/index.js';
import type { FieldPath } from './yaml-doc.js';

export interface MigrationNote {
  kind: 'default' | 'converted' | 'unknown_field' | 'problem';
  /** Where in the input, e.g. `[0].contributions.routes[1]`. */
  path: string;
  fieldPath: FieldPath;
  message: string;
  /** The input value, for fields that were not migrated. */
  value?: unknown;
  /** `file:line:col` in the input, once known. */
  location?: string;
}

export interface NormalizedManifest {
  id: string | undefined;
  /** The plugins.yaml entry, keys in the order config/plugins.yaml writes them. */
  entry: Record<string, unknown>;
  notes: MigrationNote[];
}

type Data = Record<string, unknown>;
const isRecord = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

const KNOWN = {
  top: ['id', 'version', 'engine', 'bundle', 'entry', 'integrity', 'permissions', 'contributions', 'rateLimit'],
  engine: ['experience'],
  bundle: ['file', 'url', 'integrity'],
  permissions: ['api', 'sse'],
  api: ['method', 'path'],
  contributions: ['routes', 'widgets'],
  route: ['path', 'component', 'resource', 'action'],
  widget: ['slot', 'component', 'resource', 'action'],
  rateLimit: ['requestsPerSecond', 'burst'],
} as const;

/** Normalizes one manifest found at `at` in the input. */
export function normalizeManifest(raw: unknown, at: FieldPath, bundleMount: string): NormalizedManifest {
  const notes: MigrationNote[] = [];
  const note = (kind: MigrationNote['kind'], path: FieldPath, message: string, value?: unknown) =>
    notes.push({ kind, path: formatPath(path), fieldPath: path, message, ...(value === undefined ? {} : { value }) });
  if (!isRecord(raw)) {
    note('problem', at, 'not a manifest (expected a map with id, version, engine, ...)', raw);
    return { id: undefined, entry: {}, notes };
  }
  const unknown = (value: Data, known: readonly string[], path: FieldPath) => {
    for (const [key, v] of Object.entries(value)) if (!known.includes(key)) note('unknown_field', [...path, key], 'unknown field', v);
  };
  unknown(raw, KNOWN.top, at);
  const entry: Data = {};
  const id = typeof raw['id'] === 'string' ? raw['id'] : undefined;
  if (raw['id'] !== undefined) entry['id'] = raw['id'];
  else note('problem', [...at, 'id'], 'no id: the plugin cannot be migrated without one');

  let version = raw['version'];
  if (typeof version === 'number') {
    note('converted', [...at, 'version'], `version ${version} was a number; written as the string "${String(version)}" (quote versions)`);
    version = String(version);
  }
  if (version !== undefined) entry['version'] = version;
  else note('problem', [...at, 'version'], 'no version');

  const engine = raw['engine'];
  if (isRecord(engine)) {
    unknown(engine, KNOWN.engine, [...at, 'engine']);
    entry['engine'] = { experience: engine['experience'] };
    if (engine['experience'] === undefined) note('problem', [...at, 'engine'], 'no engine.experience: the host compatibility range must be set by hand');
  } else {
    note('problem', [...at, 'engine'], 'no engine.experience: the host compatibility range must be set by hand');
  }

  entry['bundle'] = bundle(raw, at, id, typeof version === 'string' ? version : undefined, bundleMount, note, unknown);
  entry['permissions'] = permissions(raw['permissions'], [...at, 'permissions'], note, unknown);
  if (raw['rateLimit'] !== undefined) {
    if (isRecord(raw['rateLimit'])) unknown(raw['rateLimit'], KNOWN.rateLimit, [...at, 'rateLimit']);
    entry['rateLimit'] = raw['rateLimit'];
  }
  entry['contributions'] = contributions(raw['contributions'], [...at, 'contributions'], note, unknown);
  return { id, entry, notes };
}

type Note = (kind: MigrationNote['kind'], path: FieldPath, message: string, value?: unknown) => void;
type Unknown = (value: Data, known: readonly string[], path: FieldPath) => void;

function bundle(raw: Data, at: FieldPath, id: string | undefined, version: string | undefined, mount: string, note: Note, unknown: Unknown): Data {
  const out: Data = {};
  const given = raw['bundle'];
  const fallback = `${mount}/${id ?? '<id>'}/${version ?? '<version>'}/index.esm.js`;
  if (isRecord(given)) {
    unknown(given, KNOWN.bundle, [...at, 'bundle']);
    if (given['file'] !== undefined) out['file'] = given['file'];
    if (given['url'] !== undefined) out['url'] = given['url'];
  }
  // A path or URL to the bundle: `entry` in older manifests, or `bundle` as a string.
  const pointer = typeof given === 'string' ? given : typeof raw['entry'] === 'string' ? raw['entry'] : undefined;
  const pointerPath: FieldPath = typeof given === 'string' ? [...at, 'bundle'] : [...at, 'entry'];
  if (out['file'] === undefined && out['url'] === undefined) {
    if (pointer !== undefined && id !== undefined && pointer.startsWith(`${mount}/${id}/`)) {
      out['file'] = pointer;
      note('converted', pointerPath, `"${pointer}" written as bundle.file`);
    } else {
      out['file'] = fallback;
      const why = pointer === undefined ? 'no bundle given' : `"${pointer}" is not under ${mount}/${id ?? '<id>'}/ (bundles are served from the plugins mount; copy the built bundle there)`;
      note('default', [...at, 'bundle', 'file'], `bundle.file set to ${fallback}: ${why}`, pointer);
    }
  } else if (pointer !== undefined && typeof given !== 'string') {
    note('unknown_field', pointerPath, 'bundle is already given', pointer);
  }
  if (raw['entry'] !== undefined && typeof raw['entry'] !== 'string') note('unknown_field', [...at, 'entry'], 'not a string', raw['entry']);
  const integrity = isRecord(given) && given['integrity'] !== undefined ? given['integrity'] : raw['integrity'];
  const integrityPath: FieldPath = isRecord(given) && given['integrity'] !== undefined ? [...at, 'bundle', 'integrity'] : [...at, 'integrity'];
  if (typeof integrity === 'string') {
    const converted = toIntegrity(integrity);
    if (converted === integrity) out['integrity'] = integrity;
    else if (converted !== undefined) {
      out['integrity'] = converted;
      note('converted', integrityPath, `subresource-integrity "${integrity}" written as ${converted}`);
    } else {
      note('problem', integrityPath, 'integrity is not sha256 (sha256:<hex> or sha256-<base64>), not migrated; pin the bundle with: experience-plugins hash --write --add', integrity);
    }
  } else if (integrity !== undefined) {
    note('problem', integrityPath, 'integrity is not a string, not migrated', integrity);
  }
  return out;
}

/** `sha256:<hex>` as is; an SRI `sha256-<base64>` converted; anything else undefined. */
export function toIntegrity(value: string): string | undefined {
  if (/^sha256:[0-9a-f]{64}$/.test(value)) return value;
  if (/^sha256:[0-9A-Fa-f]{64}$/.test(value)) return value.toLowerCase();
  const sri = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(value);
  if (sri?.[1]) return `sha256:${Buffer.from(sri[1], 'base64').toString('hex')}`;
  return undefined;
}

function permissions(raw: unknown, at: FieldPath, note: Note, unknown: Unknown): Data {
  if (raw === undefined) return { api: [], sse: [] };
  if (!isRecord(raw)) {
    note('problem', at, 'permissions is not a map, not migrated', raw);
    return { api: [], sse: [] };
  }
  unknown(raw, KNOWN.permissions, at);
  const api = (Array.isArray(raw['api']) ? raw['api'] : []).map((item: unknown, i) => {
    const here = [...at, 'api', i];
    if (!isRecord(item)) return item;
    unknown(item, KNOWN.api, here);
    const out: Data = { method: item['method'], path: item['path'] };
    if (typeof item['method'] === 'string' && item['method'] !== item['method'].toUpperCase()) {
      out['method'] = item['method'].toUpperCase();
      note('converted', [...here, 'method'], `method "${item['method']}" written upper-case`);
    }
    if (typeof item['path'] === 'string') {
      const path = legacyTemplate(item['path']);
      if (path !== item['path']) {
        out['path'] = path;
        const widened = path.endsWith('/**') && !item['path'].endsWith('/**');
        note('converted', [...here, 'path'], `path "${item['path']}" written as "${path}"${widened ? ' (a prefix: every path below it is allowed; narrow it if you can)' : ''}`);
      }
    }
    return out;
  });
  if (raw['api'] !== undefined && !Array.isArray(raw['api'])) note('problem', [...at, 'api'], 'api is not a list, not migrated', raw['api']);
  const sse = (Array.isArray(raw['sse']) ? raw['sse'] : []).map((item: unknown, i) => {
    if (!isRecord(item)) return item;
    const topic = item['prefix'] ?? item['topic'];
    note('converted', [...at, 'sse', i], `topic object written as the prefix "${String(topic)}"`);
    const { prefix: _p, topic: _t, ...rest } = item;
    for (const [k, v] of Object.entries(rest)) note('unknown_field', [...at, 'sse', i, k], 'unknown field', v);
    return topic;
  });
  if (raw['sse'] !== undefined && !Array.isArray(raw['sse'])) note('problem', [...at, 'sse'], 'sse is not a list, not migrated', raw['sse']);
  return { api, sse };
}

/** Express-style `:id` segments become `{id}`; a final `*` becomes the prefix form `**`. */
export function legacyTemplate(path: string): string {
  return path
    .split('/')
    .map((segment, i, all) => {
      const param = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(segment);
      if (param) return `{${param[1]}}`;
      if (segment === '*' && i === all.length - 1) return '**';
      return segment;
    })
    .join('/');
}

function contributions(raw: unknown, at: FieldPath, note: Note, unknown: Unknown): Data {
  if (raw === undefined) return { routes: [], widgets: [] };
  if (!isRecord(raw)) {
    note('problem', at, 'contributions is not a map, not migrated', raw);
    return { routes: [], widgets: [] };
  }
  unknown(raw, KNOWN.contributions, at);
  const items = (key: 'routes' | 'widgets', known: readonly string[], first: 'path' | 'slot', resource: string) =>
    (Array.isArray(raw[key]) ? raw[key] : []).map((item: unknown, i) => {
      const here = [...at, key, i];
      if (!isRecord(item)) return item;
      unknown(item, known, here);
      const out: Data = { [first]: item[first], component: item['component'] };
      for (const [field, fallback] of [['resource', resource], ['action', 'view']] as const) {
        if (item[field] !== undefined) out[field] = item[field];
        else {
          out[field] = fallback;
          note('default', [...here, field], `no PDP hint: ${field} set to ${fallback}`);
        }
      }
      return out;
    });
  return { routes: items('routes', KNOWN.route, 'path', 'plugin.route'), widgets: items('widgets', KNOWN.widget, 'slot', 'plugin.widget') };
}

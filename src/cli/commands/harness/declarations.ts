/**
 * Where the harness reads what a plugin declares: a spec-style manifest (--manifest, or a
 * plugin.json with permissions), else every plugins.yaml entry for the plugin (tenants with
 * the same declaration are checked once).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, parsePluginsConfig, type PluginConfig } from '../../../config/index.js';
import { str, CliError, normalizeManifest, settings, parseYamlDoc, type Values, type Io, type FieldPath, type YamlDoc } from '../../shared/index.js';
import type { Declaration, Finding } from './checks.js';
import type { HarnessTarget } from './target.js';

export async function loadDeclarations(io: Io, values: Values, target: HarnessTarget): Promise<{ declarations: Declaration[]; problems: Finding[] }> {
  const mount = settings.bundleMount(io, values);
  const manifestArg = str(values, 'manifest');
  if (manifestArg !== undefined) {
    const ref = settings.fileRef(io, manifestArg);
    const text = await readFile(ref.abs, 'utf8').catch(() => {
      throw new CliError(`cannot read the manifest ${ref.shown}`);
    });
    return { declarations: [fromManifest(text, ref.shown, target, mount)], problems: [] };
  }
  const pj = target.pluginJson;
  if (pj && ['permissions', 'engine', 'contributions'].some((k) => k in pj.data)) {
    return { declarations: [fromManifest(pj.text, settings.showPath(io.cwd, pj.file), target, mount)], problems: [] };
  }
  const config = settings.pluginsFile(io, values);
  if (target.id === undefined) {
    return { declarations: [], problems: [{ code: 'undeclared_plugin', message: 'cannot tell which plugin this bundle is: pass --plugin <id> (or --manifest)' }] };
  }
  let text: string;
  try {
    text = await readFile(config.abs, 'utf8');
  } catch {
    return { declarations: [], problems: [{ code: 'undeclared_plugin', message: `no declarations: ${config.shown} cannot be read (pass --config or --manifest)` }] };
  }
  // The declarations do not depend on the pins (a new plugin is checked before it is pinned); validate requires them.
  const parsed = parsePluginsConfig(text, { file: config.shown, mode: settings.mode(io, values), bundleMount: mount, requireIntegrity: false });
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  const doc = parseYamlDoc(text);
  const tenant = str(values, 'tenant');
  const found: { host: string; index: number; plugin: PluginConfig }[] = [];
  for (const [host, plugins] of Object.entries(parsed.value.tenants)) {
    if (tenant !== undefined && host !== tenant) continue;
    plugins.forEach((plugin, index) => plugin.id === target.id && found.push({ host, index, plugin }));
  }
  if (found.length === 0) {
    return { declarations: [], problems: [{ code: 'undeclared_plugin', message: `plugin "${target.id}" is not in ${config.shown}${tenant ? ` for tenant ${tenant}` : ''} (pass --manifest to check against a manifest)` }] };
  }
  const problems: Finding[] = [];
  const sameVersion = found.filter((f) => f.plugin.version === target.version);
  const used = sameVersion.length > 0 ? sameVersion : found;
  if (target.version !== undefined && sameVersion.length === 0) {
    problems.push({ code: 'version_mismatch', message: `${config.shown} installs ${target.id} ${[...new Set(found.map((f) => f.plugin.version))].join(', ')}, not ${target.version}: checked against that declaration`, at: { file: config.shown, ...doc.locate(['tenants', used[0]?.host ?? '', used[0]?.index ?? 0, 'version']) } });
  }
  // Tenants with the same declaration are checked once.
  const groups = new Map<string, typeof used>();
  for (const f of used) {
    const { engine, permissions, contributions } = f.plugin;
    const key = JSON.stringify({ engine, permissions, components: [contributions.routes.map((r) => r.component), contributions.widgets.map((w) => w.component)] });
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const declarations = [...groups.values()].map((members) => {
    const first = members[0] as (typeof used)[number];
    const hosts = members.map((m) => m.host);
    return fromConfig(first.plugin, `${config.shown}, ${hosts.length === 1 ? 'tenant' : 'tenants'} ${hosts.join(', ')}`, config.shown, doc, ['tenants', first.host, first.index]);
  });
  return { declarations, problems };
}

function fromConfig(plugin: PluginConfig, label: string, file: string, doc: YamlDoc, base: FieldPath): Declaration {
  return {
    label,
    engine: plugin.engine.experience,
    api: plugin.permissions.api,
    sse: plugin.permissions.sse,
    routes: plugin.contributions.routes,
    widgets: plugin.contributions.widgets,
    locate: (path) => ({ file, ...doc.locate([...base, ...path]) }),
  };
}

/** A spec-style manifest (or a list of them: the one with the target's id) as a declaration. */
function fromManifest(text: string, file: string, target: HarnessTarget, mount: string): Declaration {
  const doc = parseYamlDoc(text);
  if (doc.errors.length > 0) throw new CliError(`${file}: not valid YAML or JSON: ${doc.errors[0]?.message ?? ''}`);
  const data = doc.doc.toJS() as unknown;
  const list = Array.isArray(data) ? data : [data];
  const index = Array.isArray(data) ? list.findIndex((m) => (m as { id?: unknown } | null)?.id === target.id) : 0;
  if (index < 0) throw new CliError(`${file} has no manifest with id "${target.id}"`);
  const base: FieldPath = Array.isArray(data) ? [index] : [];
  const entry = normalizeManifest(list[index], base, mount).entry as {
    engine?: { experience?: unknown };
    permissions: { api: { method: string; path: string }[]; sse: string[] };
    contributions: { routes: { component: string }[]; widgets: { component: string }[] };
  };
  const engine = entry.engine?.experience;
  return {
    label: file,
    ...(typeof engine === 'string' ? { engine } : {}),
    api: entry.permissions.api.filter((a) => typeof a?.method === 'string' && typeof a.path === 'string'),
    sse: entry.permissions.sse.filter((s) => typeof s === 'string'),
    routes: entry.contributions.routes.filter((r) => typeof r?.component === 'string'),
    widgets: entry.contributions.widgets.filter((w) => typeof w?.component === 'string'),
    locate: (path) => ({ file, ...doc.locate([...base, ...path]) }),
  };
}

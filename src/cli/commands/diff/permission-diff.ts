/**
 * The permission changes between two validated plugins.yaml models, per tenant and plugin:
 * what the new config allows that the old did not (widenings), and what it no longer allows.
 * Whether one entry admits everything another admits is the policy's answer
 * (experience/tooling/covers); this file only pairs entries and words the changes. Limits and
 * integrity (plugin-limits.ts) and upstreams (upstreams-diff.ts) are compared beside it. The
 * `diff` command reads the files.
 */
import { compileApiPermission, compileSsePermission, formatPath, satisfiesEngine, type PluginConfig, type PluginsConfig, type RegistryApiEntry } from '../../../config/index.js';
import type { PolicyTools } from '../../../engine/index.js';
import { segmentText, type FieldPath } from '../../shared/index.js';
import type { DiffChange, Emit, Locate, Side } from './change.js';
import { compareLimits } from './plugin-limits.js';
import { diffUpstreams } from './upstreams-diff.js';

/** The permission changes from `before` to `after`, tenant by tenant, plugin by plugin; `tools` answers coverage. */
export function diffConfigs(before: Side, after: Side, hostVersion: string, tools: PolicyTools): DiffChange[] {
  const changes: DiffChange[] = [];
  const tenants = [...new Set([...Object.keys(before.config.tenants), ...Object.keys(after.config.tenants)])];
  for (const tenant of tenants) {
    const olds = before.config.tenants[tenant] ?? [];
    const news = after.config.tenants[tenant] ?? [];
    for (const [i, plugin] of news.entries()) {
      const j = olds.findIndex((p) => p.id === plugin.id);
      const at = (side: Side, index: number) => (path: FieldPath) => ({ file: side.file, ...side.doc.locate(['tenants', tenant, index, ...path]), path: formatPath(['tenants', tenant, index, ...path]) });
      const emit = (c: Omit<DiffChange, 'tenant' | 'plugin'>) => changes.push({ tenant, plugin: plugin.id, ...c });
      if (j < 0) {
        const note = olds.length === 0 && !before.config.tenants[tenant] ? 'tenant added' : undefined;
        emit({ kind: 'plugin', change: 'added', widening: true, new: `${plugin.id} ${plugin.version}`, ...(note ? { note } : {}), location: at(after, i)([]) });
        pluginPermissions(plugin, at(after, i), emit);
      } else {
        comparePlugin(olds[j] as PluginConfig, plugin, at(before, j), at(after, i), hostVersion, tools, emit);
      }
    }
    for (const [j, plugin] of olds.entries()) {
      if (news.some((p) => p.id === plugin.id)) continue;
      const path: FieldPath = ['tenants', tenant, j];
      changes.push({ tenant, plugin: plugin.id, kind: 'plugin', change: 'removed', widening: false, old: `${plugin.id} ${plugin.version}`, location: { file: before.file, ...before.doc.locate(path), path: formatPath(path) } });
    }
  }
  return [...changes, ...diffUpstreams(before, after)];
}

const api = (a: { method: string; path: string }) => `${a.method} ${a.path}`;
const contribution = (c: { component: string; resource: string; action: string }) => `${c.component} (${c.resource}/${c.action})`;

/** Everything a newly added plugin brings: all of it is new. */
function pluginPermissions(plugin: PluginConfig, at: Locate, emit: Emit): void {
  plugin.permissions.api.forEach((a, k) => emit({ kind: 'api', change: 'added', widening: true, new: api(a), location: at(['permissions', 'api', k]) }));
  plugin.permissions.sse.forEach((s, k) => emit({ kind: 'sse', change: 'added', widening: true, new: s, location: at(['permissions', 'sse', k]) }));
  plugin.contributions.routes.forEach((r, k) => emit({ kind: 'route', change: 'added', widening: true, new: `${r.path} ${contribution(r)}`, location: at(['contributions', 'routes', k]) }));
  plugin.contributions.widgets.forEach((w, k) => emit({ kind: 'widget', change: 'added', widening: true, new: `${w.slot} ${contribution(w)}`, location: at(['contributions', 'widgets', k]) }));
}

function comparePlugin(old: PluginConfig, now: PluginConfig, atOld: Locate, atNew: Locate, hostVersion: string, tools: PolicyTools, emit: Emit): void {
  const compatible = (p: PluginConfig) => satisfiesEngine(hostVersion, p.engine.experience);
  if (!compatible(old) && compatible(now)) {
    emit({ kind: 'plugin', change: 'widened', widening: true, old: old.engine.experience, new: now.engine.experience, note: `host ${hostVersion} now satisfies engine.experience: the plugin's permissions take effect`, location: atNew(['engine', 'experience']) });
  } else if (compatible(old) && !compatible(now)) {
    emit({ kind: 'plugin', change: 'narrowed', widening: false, old: old.engine.experience, new: now.engine.experience, note: `host ${hostVersion} no longer satisfies engine.experience`, location: atNew(['engine', 'experience']) });
  }
  compareLimits(old, now, atOld, atNew, emit);
  const coverage = Coverage.between(old, now, tools);
  compareApi(old, now, coverage, atOld, atNew, emit);
  compareSse(old, now, coverage, atOld, atNew, emit);
  compareContributions('route', old.contributions.routes.map((r) => ({ ...r, key: r.path })), now.contributions.routes.map((r) => ({ ...r, key: r.path })), atOld, atNew, emit);
  compareContributions('widget', old.contributions.widgets.map((w) => ({ ...w, key: `${w.slot} ${w.component}` })), now.contributions.widgets.map((w) => ({ ...w, key: `${w.slot} ${w.component}` })), atOld, atNew, emit);
}

interface Entry {
  method: string;
  path: string;
  /** As data.registry holds it: what the policy is asked about. */
  compiled: RegistryApiEntry;
}

function entries(plugin: PluginConfig): Entry[] {
  return plugin.permissions.api.map((a) => {
    const compiled = compileApiPermission(a);
    // Both files were validated, so every template compiles.
    return { method: a.method, path: a.path, compiled: compiled.ok ? compiled.value : { method: a.method, template: a.path, prefix: false, segments: [] } };
  });
}

/** Which entry covers which, both ways, as the policy answers it (experience/tooling/covers). */
class Coverage {
  private constructor(
    private readonly oldCoversNew: ReadonlySet<string>,
    private readonly newCoversOld: ReadonlySet<string>,
  ) {}

  static between(old: PluginConfig, now: PluginConfig, tools: PolicyTools): Coverage {
    const api = [entries(old).map((e) => e.compiled), entries(now).map((e) => e.compiled)] as const;
    const sse = [old.permissions.sse.map(compileSsePermission), now.permissions.sse.map(compileSsePermission)] as const;
    const forward = tools.covers({ api: { outer: api[0], inner: api[1] }, sse: { outer: sse[0], inner: sse[1] } });
    const backward = tools.covers({ api: { outer: api[1], inner: api[0] }, sse: { outer: sse[1], inner: sse[0] } });
    const keys = (kind: string, pairs: readonly [number, number][]) => pairs.map(([i, j]) => `${kind} ${i} ${j}`);
    return new Coverage(new Set([...keys('api', forward.api), ...keys('sse', forward.sse)]), new Set([...keys('api', backward.api), ...keys('sse', backward.sse)]));
  }

  /** Old entry `i` admits everything new entry `j` admits. */
  oldCovers(kind: 'api' | 'sse', i: number, j: number): boolean {
    return this.oldCoversNew.has(`${kind} ${i} ${j}`);
  }

  /** New entry `j` admits everything old entry `i` admits. */
  newCovers(kind: 'api' | 'sse', j: number, i: number): boolean {
    return this.newCoversOld.has(`${kind} ${j} ${i}`);
  }
}

function compareApi(old: PluginConfig, now: PluginConfig, coverage: Coverage, atOld: Locate, atNew: Locate, emit: Emit): void {
  const before = entries(old);
  const after = entries(now);
  const same = (a: Entry, b: Entry) => a.compiled.method === b.compiled.method && a.path === b.path;
  after.forEach((e, k) => {
    if (before.some((_, i) => coverage.oldCovers('api', i, k))) return;
    // The entry it replaces: one it covers that is gone from the new file. Covering only entries
    // that are still there, it is an entry added beside them.
    const from = before.find((o, i) => coverage.newCovers('api', k, i) && !after.some((n) => same(n, o)));
    emit({
      kind: 'api',
      change: from ? 'widened' : 'added',
      widening: true,
      ...(from ? { old: api(from), note: widenedHow(from, e) } : {}),
      new: api(e),
      location: atNew(['permissions', 'api', k]),
    });
  });
  before.forEach((o, i) => {
    if (after.some((_, k) => coverage.newCovers('api', k, i))) return;
    // What it narrowed to: the entries it covers that are new in this file (a prefix narrowed to
    // one template or several). Covering only entries it sat beside, it was removed.
    const to = replacements(after.length, (k) => coverage.oldCovers('api', i, k) && !before.some((b) => same(b, after[k] as Entry)));
    emit({
      kind: 'api',
      change: to.length > 0 ? 'narrowed' : 'removed',
      widening: false,
      old: api(o),
      ...(to.length > 0 ? { new: to.map((k) => api(after[k] as Entry)).join(', ') } : {}),
      location: to[0] !== undefined ? atNew(['permissions', 'api', to[0]]) : atOld(['permissions', 'api', i]),
    });
  });
}

/** In words, how `now` matches more than `old` (which it covers). */
function widenedHow(old: Entry, now: Entry): string {
  const below = `/${now.compiled.segments.map(segmentText).join('/')}`;
  if (!old.compiled.prefix && now.compiled.prefix) {
    const was = old.compiled.segments.some((s) => 'param' in s) ? 'a parameter template' : 'an exact path';
    return `${was} became a prefix: every path below ${below} is allowed`;
  }
  if (old.compiled.prefix && now.compiled.prefix) return `prefix shortened: every path below ${below} is allowed`;
  return 'a literal segment became a parameter';
}

function compareSse(old: PluginConfig, now: PluginConfig, coverage: Coverage, atOld: Locate, atNew: Locate, emit: Emit): void {
  const before = old.permissions.sse;
  const after = now.permissions.sse;
  after.forEach((p, k) => {
    if (before.some((_, i) => coverage.oldCovers('sse', i, k))) return;
    const from = before.find((q, i) => coverage.newCovers('sse', k, i) && !after.includes(q));
    emit({ kind: 'sse', change: from ? 'widened' : 'added', widening: true, ...(from ? { old: from, note: 'prefix shortened: more topics are allowed' } : {}), new: p, location: atNew(['permissions', 'sse', k]) });
  });
  before.forEach((q, i) => {
    if (after.some((_, k) => coverage.newCovers('sse', k, i))) return;
    const to = replacements(after.length, (k) => coverage.oldCovers('sse', i, k) && !before.includes(after[k] as string));
    emit({
      kind: 'sse',
      change: to.length > 0 ? 'narrowed' : 'removed',
      widening: false,
      old: q,
      ...(to.length > 0 ? { new: to.map((k) => after[k]).join(', ') } : {}),
      location: to[0] !== undefined ? atNew(['permissions', 'sse', to[0]]) : atOld(['permissions', 'sse', i]),
    });
  });
}

/** The indexes below `count` that `fits`, in order. */
function replacements(count: number, fits: (k: number) => boolean): number[] {
  return Array.from({ length: count }, (_, k) => k).filter(fits);
}

type Keyed = { key: string; component: string; resource: string; action: string };

function compareContributions(kind: 'route' | 'widget', before: Keyed[], after: Keyed[], atOld: Locate, atNew: Locate, emit: Emit): void {
  const list = kind === 'route' ? 'routes' : 'widgets';
  const show = (c: Keyed) => `${kind === 'route' ? c.key : c.key.split(' ')[0]} ${contribution(c)}`;
  after.forEach((c, k) => {
    const o = before.find((b) => b.key === c.key);
    const location = atNew(['contributions', list, k]);
    if (!o) emit({ kind, change: 'added', widening: true, new: show(c), location });
    else if (o.resource !== c.resource || o.action !== c.action) {
      emit({ kind, change: 'changed', widening: true, old: show(o), new: show(c), note: 'PDP hint changed: who sees it now depends on other grants', location });
    } else if (o.component !== c.component) {
      emit({ kind, change: 'changed', widening: false, old: show(o), new: show(c), location });
    }
  });
  before.forEach((o, k) => {
    if (!after.some((c) => c.key === o.key)) emit({ kind, change: 'removed', widening: false, old: show(o), location: atOld(['contributions', list, k]) });
  });
}

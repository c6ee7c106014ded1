import { formatIssue, parseGrants, parsePluginsConfig, readConfigText, type ConfigIssue } from '../../../config/index.js';
import { command, flag, columns, plural, EXIT, writeJson, writeLines, policyTools, settings, parseYamlDoc, UsageError, type CommandSpec } from '../../shared/index.js';
import type { DiffChange, GrantsSide, Side } from './change.js';
import { diffGrants } from './grants-diff.js';
import { diffConfigs } from './permission-diff.js';

export { diffConfigs } from './permission-diff.js';
export { diffGrants } from './grants-diff.js';
export type { DiffChange, GrantsSide, Side } from './change.js';

export const diffSpec: CommandSpec = {
  name: 'diff',
  summary: 'Show permission changes between two plugins.yaml (and grants.yaml) files; exit 2 when widened',
  usage: ['diff <old plugins.yaml> <new plugins.yaml> [<old grants.yaml> <new grants.yaml>] [options]'],
  description: `Compares two configs per tenant and plugin so a reviewer sees an escalation before it
ships. Widenings (marked +): a plugin or tenant added; an API entry added or widened (an
exact path made a parameter, a parameter made a prefix, a prefix shortened: the new entry
matches more than the old); an SSE prefix added or shortened; a route or widget added or
its resource/action changed; a plugin the host version now satisfies; a rateLimit raised,
removed (the server default then applies) or set where the server default applied; a
bundle.integrity pin removed; an upstream added, removed or pointed at another URL (calls
go to another service), or now sent the access token. With two grants.yaml files as well:
a role or user granted a resource/action it was not granted before. Narrowings, removals
and other changes (marked - and ~: a prefix narrowed to templates, a limit lowered, a pin
changed) are listed too but do not fail. All files must be valid. Whether one entry or
grant matches everything another matches is the compiled policy's answer (--policy).`,
  options: settings.commonOptions('policy', 'host-version', 'mode', 'plugins-mount', 'json'),
  positionals: { min: 2, max: 4 },
  exitCodes: [
    [EXIT.ok, 'nothing was widened'],
    [EXIT.findings, 'a file is unreadable or invalid, or the policy cannot be loaded'],
    [EXIT.widened, 'something was widened (a gate for CI)'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: [
    'experience-plugins diff <(git show main:config/plugins.yaml) config/plugins.yaml',
    'experience-plugins diff old/plugins.yaml config/plugins.yaml old/grants.yaml config/grants.yaml',
    'experience-plugins diff old.yaml new.yaml --json',
  ],
};

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

async function loadSide<T>(ref: settings.FileRef, parse: (text: string, file: string) => Parsed<T>): Promise<{ config: T; file: string; doc: ReturnType<typeof parseYamlDoc> } | ConfigIssue[]> {
  const text = await readConfigText(ref.abs, ref.shown);
  if (typeof text !== 'string') return [text];
  const parsed = parse(text, ref.shown);
  if (!parsed.ok) return parsed.issues;
  return { config: parsed.value, file: ref.shown, doc: parseYamlDoc(text) };
}

function groupOf(c: DiffChange): string {
  if (c.tenant === undefined) return 'upstreams';
  return `${c.tenant} / ${c.plugin ?? c.subject ?? ''}`;
}

function renderDiff(changes: readonly DiffChange[]): string[] {
  const lines: string[] = [];
  const groups = new Map<string, DiffChange[]>();
  for (const c of changes) groups.set(groupOf(c), [...(groups.get(groupOf(c)) ?? []), c]);
  const rows = changes.map((c) => {
    const what = c.old !== undefined && c.new !== undefined ? `${c.old} -> ${c.new}` : (c.new ?? c.old ?? '');
    const where = c.location ? `${c.location.file}:${c.location.line}:${c.location.col}` : '';
    return [c.widening ? '+' : c.change === 'changed' ? '~' : '-', c.kind, c.change, what, where + (c.note ? `  ${c.note}` : '')];
  });
  const formatted = columns(rows, '  ');
  const index = new Map(changes.map((c, i) => [c, formatted[i] ?? '']));
  for (const [key, group] of groups) {
    lines.push(key);
    for (const c of group) lines.push(index.get(c) ?? '');
  }
  return lines;
}

export const diffCommand = command(diffSpec, async ({ values, positionals }, io) => {
  if (positionals.length === 3) throw new UsageError('give both grants.yaml files, old and new, after the two plugins.yaml files');
  const options = { mode: settings.mode(io, values), bundleMount: settings.bundleMount(io, values) };
  const hostVersion = settings.hostVersion(io, values);
  // A permission diff does not depend on the pins; requiring them is validate's and the BFF's job.
  const plugins = (text: string, file: string) => parsePluginsConfig(text, { file, ...options, requireIntegrity: false });
  const grants = (text: string, file: string) => parseGrants(text, { file });
  const refs = positionals.map((p) => settings.fileRef(io, p));
  const sides = await Promise.all([...refs.slice(0, 2).map((r) => loadSide(r, plugins)), ...refs.slice(2).map((r) => loadSide(r, grants))]);
  const issues = sides.flatMap((s) => (Array.isArray(s) ? s : []));
  if (issues.length > 0) {
    if (flag(values, 'json')) writeJson(io, { widened: null, errors: issues, changes: [] });
    else writeLines(io.stderr, [...issues.map(formatIssue), `diff: ${plural(issues.length, 'error')}; all files must be valid`]);
    return EXIT.findings;
  }
  const [before, after, grantsBefore, grantsAfter] = sides as [Side, Side, GrantsSide?, GrantsSide?];
  const tools = await policyTools(io, values);
  const changes = [...diffConfigs(before, after, hostVersion, tools), ...(grantsBefore && grantsAfter ? diffGrants(grantsBefore, grantsAfter, tools) : [])];
  const widened = changes.filter((c) => c.widening).length;
  if (flag(values, 'json')) {
    writeJson(io, { widened: widened > 0, changes });
  } else {
    const narrowed = changes.length - widened;
    writeLines(io.stdout, [
      ...renderDiff(changes),
      changes.length === 0 ? 'no permission changes' : `${plural(widened, 'widening')}, ${plural(narrowed, 'other change')}${widened > 0 ? ' (exit 2)' : ''}`,
    ]);
  }
  return widened > 0 ? EXIT.widened : EXIT.ok;
});

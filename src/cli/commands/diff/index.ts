import { formatIssue, parsePluginsConfig, readConfigText, type ConfigIssue, type Mode } from '../../../config/index.js';
import { command, flag, columns, plural, EXIT, writeJson, writeLines, policyTools, settings, parseYamlDoc, type CommandSpec } from '../../shared/index.js';
import { diffConfigs, type DiffChange, type Side } from './permission-diff.js';

export { diffConfigs, type DiffChange } from './permission-diff.js';

export const diffSpec: CommandSpec = {
  name: 'diff',
  summary: 'Show permission changes between two plugins.yaml files; exit 2 when widened',
  usage: ['diff <old plugins.yaml> <new plugins.yaml> [options]'],
  description: `Compares two configs per tenant and plugin so a reviewer sees an escalation before it
ships. Widenings (marked +): a plugin or tenant added; an API entry added or widened (an
exact path made a parameter, a parameter made a prefix, a prefix shortened: the new entry
matches more than the old); an SSE prefix added or shortened; a route or widget added or
its resource/action changed; a plugin the host version now satisfies. Narrowings and
removals (marked -) are listed too but do not fail. Both files must be valid. Whether one
entry matches everything another matches is the compiled policy's answer (--policy).`,
  options: settings.commonOptions('policy', 'host-version', 'mode', 'plugins-mount', 'json'),
  positionals: { min: 2, max: 2 },
  exitCodes: [
    [EXIT.ok, 'no permission was widened'],
    [EXIT.findings, 'a file is unreadable or invalid, or the policy cannot be loaded'],
    [EXIT.widened, 'permissions were widened (a gate for CI)'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: ['experience-plugins diff <(git show main:config/plugins.yaml) config/plugins.yaml', 'experience-plugins diff old.yaml new.yaml --json'],
};

async function loadSide(ref: settings.FileRef, options: { mode: Mode; bundleMount: string }): Promise<Side | ConfigIssue[]> {
  const text = await readConfigText(ref.abs, ref.shown);
  if (typeof text !== 'string') return [text];
  // A permission diff does not depend on the pins; requiring them is validate's and the BFF's job.
  const parsed = parsePluginsConfig(text, { file: ref.shown, mode: options.mode, bundleMount: options.bundleMount, requireIntegrity: false });
  if (!parsed.ok) return parsed.issues;
  return { config: parsed.value, file: ref.shown, doc: parseYamlDoc(text) };
}

function renderDiff(changes: readonly DiffChange[]): string[] {
  const lines: string[] = [];
  const groups = new Map<string, DiffChange[]>();
  for (const c of changes) {
    const key = `${c.tenant} / ${c.plugin}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
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
  const options = { mode: settings.mode(io, values), bundleMount: settings.bundleMount(io, values) };
  const hostVersion = settings.hostVersion(io, values);
  const [before, after] = await Promise.all(positionals.map((p) => loadSide(settings.fileRef(io, p), options)));
  const issues = [before, after].flatMap((s) => (Array.isArray(s) ? s : []));
  if (issues.length > 0 || !before || !after || Array.isArray(before) || Array.isArray(after)) {
    if (flag(values, 'json')) writeJson(io, { widened: null, errors: issues, changes: [] });
    else writeLines(io.stderr, [...issues.map(formatIssue), `diff: ${plural(issues.length, 'error')}; both files must be valid`]);
    return EXIT.findings;
  }
  const changes = diffConfigs(before, after, hostVersion, await policyTools(io, values));
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

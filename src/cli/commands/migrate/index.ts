import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isMap, isSeq, Scalar } from 'yaml';
import { formatIssue, formatPath, parsePluginsConfig, type ConfigIssue, type Mode } from '../../../config/index.js';
import { command, flag, list, str, UsageError, CliError, plural, EXIT, writeJson, writeLines, normalizeManifest, settings, parseYamlDoc, where, type CommandSpec, type MigrationNote, type FieldPath } from '../../shared/index.js';

export const migrateSpec: CommandSpec = {
  name: 'migrate',
  summary: 'Convert a list of spec-style plugin manifests into plugins.yaml',
  usage: ['migrate <manifests.yaml|json> --tenant <host> [--tenant <host>...] [-o plugins.yaml] [--report report.json]'],
  description: `Reads a flat list of plugin manifests (YAML or JSON; a list, or {plugins: [...]}) in the
overview's Contract shape (id, version, engine.experience, contributions, permissions, and
optionally entry/bundle/integrity) and writes the per-tenant plugins.yaml shape for each
--tenant. Missing PDP hints default to resource plugin.route/plugin.widget and action view;
a bundle outside the plugins mount defaults to <mount>/<id>/<version>/index.esm.js; ":id"
path segments become "{id}". Every default, conversion and field that was not migrated goes
to the migration report (stderr, --report file, or --json): nothing is dropped silently.
The result is then checked with the loader's rules; run \`validate\` on it to check bundles.`,
  options: {
    tenant: { type: 'string', multiple: true, value: '<host>', help: 'target tenant host (required)' },
    out: { type: 'string', short: 'o', value: '<file>', help: 'write plugins.yaml here instead of stdout' },
    report: { type: 'string', value: '<file>', help: 'also write the migration report as JSON' },
    ...settings.commonOptions('mode', 'plugins-mount', 'json'),
  },
  positionals: { min: 1, max: 1 },
  exitCodes: [
    [EXIT.ok, 'migrated; the result passes the loader checks (the report may still list notes)'],
    [EXIT.findings, 'the input could not be read, or the result does not pass the loader checks'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: ['experience-plugins migrate legacy-manifests.yaml --tenant acme.example.com -o config/plugins.yaml', 'experience-plugins migrate manifests.json --tenant localhost --report migration.json'],
};

export interface MigrationResult {
  /** plugins.yaml text. */
  yaml: string;
  report: MigrationNote[];
  /** Issues the loader finds in the result (empty when it is valid). */
  issues: ConfigIssue[];
}

/**
 * Migrates manifests text to plugins.yaml text, as a function.
 * @example const { yaml, report, issues } = migrateManifests(text, { source: 'old.yaml', tenants: ['localhost'], ... });
 */
export function migrateManifests(text: string, options: { source: string; output: string; tenants: readonly string[]; mode: Mode; bundleMount: string }): MigrationResult {
  const input = parseYamlDoc(text);
  if (input.errors.length > 0) {
    const e = input.errors[0];
    throw new CliError(`${where(options.source, e ?? { line: 0, col: 0 })}  not valid YAML or JSON: ${e?.message ?? ''}`);
  }
  const data = input.doc.toJS() as unknown;
  const report: MigrationNote[] = [];
  let manifests: unknown[];
  let base: FieldPath;
  if (Array.isArray(data)) {
    manifests = data;
    base = [];
  } else if (data !== null && typeof data === 'object' && Array.isArray((data as Record<string, unknown>)['plugins'])) {
    const { plugins, ...rest } = data as Record<string, unknown>;
    manifests = plugins as unknown[];
    base = ['plugins'];
    for (const [key, value] of Object.entries(rest)) report.push({ kind: 'unknown_field', path: key, fieldPath: [key], message: 'unknown top-level field', value });
  } else {
    throw new CliError(`${options.source}: expected a list of plugin manifests, or a map with a "plugins" list`);
  }
  const entries = manifests.map((m, i) => {
    const normalized = normalizeManifest(m, [...base, i], options.bundleMount);
    report.push(...normalized.notes);
    return normalized;
  });
  // A copy per tenant: shared objects would be written as YAML anchors and aliases.
  const doc = new Document({ tenants: Object.fromEntries(options.tenants.map((t) => [t, entries.map((e) => structuredClone(e.entry))])), upstreams: [] });
  doc.commentBefore = [
    ` plugins.yaml written by \`experience-plugins migrate\` from ${path.basename(options.source)}.`,
    ' Review before use: defaults applied and fields not migrated are listed in the migration report.',
    ' Schema: plugins.schema.json; rules: docs/contracts.md.',
  ].join('\n');
  for (const tenant of options.tenants) {
    const seq = doc.getIn(['tenants', tenant], true);
    if (!isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      const left = (entries[i]?.notes ?? []).filter((n) => n.kind === 'unknown_field' || n.kind === 'problem');
      const prefix = formatPath([...base, i]);
      const fields = left.map((n) => n.path.slice(prefix.length).replace(/^\./, '') || n.path);
      if (left.length > 0 && isMap(item)) item.commentBefore = ` migrate: not migrated (see the report): ${fields.join(', ')}`;
      // Versions quoted, as config/plugins.yaml writes them: unquoted, 1.0 would read as a number.
      const version = doc.getIn(['tenants', tenant, i, 'version'], true);
      if (version instanceof Scalar && typeof version.value === 'string') version.type = Scalar.QUOTE_DOUBLE;
    });
  }
  const yaml = doc.toString({ lineWidth: 0 });
  // Unpinned entries are reported as notes (pin them with hash --write --add), not as errors of the output.
  const parsed = parsePluginsConfig(yaml, { file: options.output, mode: options.mode, bundleMount: options.bundleMount, requireIntegrity: false });
  // Point report lines at the input file.
  for (const note of report) note.location = where(options.source, input.locate(note.fieldPath));
  return { yaml, report, issues: parsed.ok ? [] : parsed.issues };
}

const KIND_WORDS: Record<MigrationNote['kind'], string> = {
  default: 'default',
  converted: 'converted',
  unknown_field: 'not migrated',
  problem: 'problem',
};

/** One line per note: `input:line:col  path  kind: message [value]`. */
function formatNote(note: MigrationNote): string {
  const value = note.value === undefined ? '' : `: ${JSON.stringify(note.value)}`;
  return `${note.location ?? ''}  ${note.path}  ${KIND_WORDS[note.kind]}: ${note.message}${note.kind === 'unknown_field' || note.kind === 'problem' ? value : ''}`;
}

export const migrateCommand = command(migrateSpec, async ({ values, positionals }, io) => {
  const tenants = list(values, 'tenant');
  if (!tenants || tenants.length === 0) throw new UsageError('--tenant is required: the tenant host the plugins are for (e.g. acme.example.com)');
  const input = settings.fileRef(io, positionals[0] as string);
  const outArg = str(values, 'out');
  const out = outArg === undefined ? undefined : settings.fileRef(io, outArg);
  if (out && out.abs === input.abs) throw new UsageError('--out must not be the input file');
  let text: string;
  try {
    text = await readFile(input.abs, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${input.shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const result = migrateManifests(text, {
    source: input.shown,
    output: out?.shown ?? '<output>',
    tenants,
    mode: settings.mode(io, values),
    bundleMount: settings.bundleMount(io, values),
  });
  if (out) await writeFile(out.abs, result.yaml);
  const reportFile = str(values, 'report');
  if (reportFile !== undefined) await writeFile(settings.fileRef(io, reportFile).abs, `${JSON.stringify(result.report, null, 2)}\n`);
  const json = flag(values, 'json');
  if (json) {
    writeJson(io, { ...(out ? { file: out.shown } : { output: result.yaml }), report: result.report, issues: result.issues, valid: result.issues.length === 0 });
  } else {
    if (!out) io.stdout(result.yaml);
    writeLines(io.stderr, [
      ...result.report.map(formatNote),
      ...result.issues.map(formatIssue),
      `migrate: ${plural(result.report.length, 'note')} in the report; the result ${result.issues.length === 0 ? 'passes the loader checks' : `has ${plural(result.issues.length, 'issue')}`}${out ? ` (written to ${out.shown})` : ''}`,
    ]);
  }
  return result.issues.length === 0 ? EXIT.ok : EXIT.findings;
});

import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatIssue, formatPath, type ConfigIssue } from '../../../config/index.js';
import { command, flag, UsageError, hashFile, locateBundle, CliError, plural, EXIT, writeJson, writeLines, settings, parseYamlDoc, type CommandSpec, type Io, type FieldPath } from '../../shared/index.js';
import { applyIntegrity, type IntegrityChange, type IntegrityEdit } from './integrity-edit.js';

export { applyIntegrity, type IntegrityChange, type IntegrityEdit } from './integrity-edit.js';

export const hashSpec: CommandSpec = {
  name: 'hash',
  summary: 'Print a bundle\'s sha256 integrity, or update the integrity fields in plugins.yaml',
  usage: ['hash <bundle>...', 'hash --write [--add] [<bundle>...] [--config plugins.yaml]'],
  description: `Without --write: prints \`sha256:<hex>\` for each bundle file (the value bundle.integrity
takes). A bundle may also be named by its bundle.file path (/app/plugins/...), which is
looked up under the plugins root.
With --write: hashes the bundle each plugins.yaml entry points at and rewrites its
bundle.integrity in place when it differs. Only those values change: comments, quoting and
layout are kept. With bundles named, only the entries pointing at them are touched. With
--add, entries without an integrity field get one. Nothing is written if any bundle is missing.`,
  options: {
    write: { type: 'boolean', help: 'update the matching integrity fields in plugins.yaml' },
    add: { type: 'boolean', help: 'with --write: also pin entries that have no integrity field yet' },
    ...settings.commonOptions('config', 'plugins-root', 'plugins-mount', 'json'),
  },
  positionals: { min: 0, max: Infinity },
  exitCodes: [
    [EXIT.ok, 'hashes printed, or plugins.yaml updated (or already up to date)'],
    [EXIT.findings, 'a bundle or plugins.yaml could not be read; nothing written'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: ['experience-plugins hash plugins/hello/1.0.0/index.esm.js', 'experience-plugins hash --write', 'experience-plugins hash --write --add plugins/orders/2.1.0/index.esm.js'],
};

export const hashCommand = command(hashSpec, async ({ values, positionals }, io) => {
  if (flag(values, 'write')) return writeIntegrity(io, values, positionals);
  if (flag(values, 'add')) throw new UsageError('--add goes with --write');
  if (positionals.length === 0) throw new UsageError('name a bundle to hash, or pass --write to update plugins.yaml');
  const root = settings.pluginsRoot(io, values).abs;
  const mount = settings.bundleMount(io, values);
  const results: { file: string; integrity: string }[] = [];
  for (const arg of positionals) {
    const { file, integrity } = await findBundle(io, arg, root, mount);
    results.push({ file: file.shown, integrity });
  }
  if (flag(values, 'json')) writeJson(io, results);
  else writeLines(io.stdout, results.map((r) => (results.length === 1 ? r.integrity : `${r.integrity}  ${r.file}`)));
  return EXIT.ok;
});

/** A file path, or a `bundle.file` path under the mount mapped to the plugins root; read and hashed once. */
async function findBundle(io: Io, arg: string, root: string, mount: string): Promise<{ file: settings.FileRef; integrity: string }> {
  const direct = settings.fileRef(io, arg);
  const hashed = await hashFile(direct.abs);
  if (hashed) return { file: direct, integrity: hashed };
  if (arg.startsWith(`${mount}/`)) {
    const mapped = settings.fileRef(io, path.join(root, ...arg.slice(mount.length + 1).split('/')));
    const found = await hashFile(mapped.abs);
    if (found) return { file: mapped, integrity: found };
    throw new CliError(`cannot read ${arg} (looked for ${mapped.shown} under the plugins root)`);
  }
  throw new CliError(`cannot read ${direct.shown}`);
}

async function writeIntegrity(io: Io, values: Parameters<typeof settings.pluginsFile>[1], positionals: readonly string[]): Promise<number> {
  const config = settings.pluginsFile(io, values);
  const root = settings.pluginsRoot(io, values).abs;
  const mount = settings.bundleMount(io, values);
  let text: string;
  try {
    text = await readFile(config.abs, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${config.shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const doc = parseYamlDoc(text);
  if (doc.errors.length > 0) {
    writeLines(io.stderr, doc.errors.map((e) => `${config.shown}:${e.line}:${e.col}  ${e.message}`));
    return EXIT.findings;
  }
  const only = await Promise.all(positionals.map(async (p) => realpathOr((await findBundle(io, p, root, mount)).file.abs)));
  const errors: ConfigIssue[] = [];
  const edits: IntegrityEdit[] = [];
  const used = new Set<string>();
  for (const { bundlePath, id, file } of bundleEntries(doc.doc.toJS())) {
    const issue = (code: string, at: FieldPath, message: string): ConfigIssue => ({ code, file: config.shown, ...doc.locate(at), path: formatPath(at), message });
    const located = await locateBundle(root, mount, id, file, io.cwd);
    if (!located.ok) {
      // With bundles named, an entry for another bundle that is missing is none of our business.
      if (only.length === 0) errors.push(issue(located.code, [...bundlePath, 'file'], located.message));
      continue;
    }
    if (only.length > 0 && !only.includes(located.file)) continue;
    used.add(located.file);
    const hashed = await hashFile(located.file);
    if (!hashed) errors.push(issue('bundle_missing', [...bundlePath, 'file'], `cannot read ${settings.showPath(io.cwd, located.file)}`));
    else edits.push({ bundlePath, integrity: hashed });
  }
  positionals.forEach((p, i) => {
    if (!used.has(only[i] as string)) errors.push({ code: 'bundle_unused', file: config.shown, line: 0, col: 0, path: '', message: `no plugin entry's bundle.file points at ${p}` });
  });
  if (errors.length > 0) {
    if (flag(values, 'json')) writeJson(io, { file: config.shown, written: false, errors, changes: [] });
    else writeLines(io.stdout, [...errors.map(formatIssue), `${config.shown}: not changed (${plural(errors.length, 'error')})`]);
    return EXIT.findings;
  }
  const result = applyIntegrity(text, edits, { add: flag(values, 'add') });
  const written = result.text !== text;
  if (written) await writeFile(config.abs, result.text);
  if (flag(values, 'json')) writeJson(io, { file: config.shown, written, errors, changes: result.changes });
  else writeLines(io.stdout, [...changeLines(config.shown, result.changes), summary(config.shown, result.changes, written)]);
  return EXIT.ok;
}

/** Every plugin entry with a string bundle.file, read from the raw data (the file may have other issues). */
function bundleEntries(data: unknown): { bundlePath: FieldPath; id: string; file: string }[] {
  const out: { bundlePath: FieldPath; id: string; file: string }[] = [];
  const tenants = isRecord(data) && isRecord(data['tenants']) ? data['tenants'] : {};
  for (const [host, plugins] of Object.entries(tenants)) {
    if (!Array.isArray(plugins)) continue;
    plugins.forEach((p: unknown, i) => {
      if (!isRecord(p) || !isRecord(p['bundle']) || typeof p['bundle']['file'] !== 'string' || typeof p['id'] !== 'string') return;
      out.push({ bundlePath: ['tenants', host, i, 'bundle'], id: p['id'], file: p['bundle']['file'] });
    });
  }
  return out;
}

function changeLines(file: string, changes: readonly IntegrityChange[]): string[] {
  return changes
    .filter((c) => c.action === 'updated' || c.action === 'added' || (c.action === 'skipped' && c.old !== undefined))
    .map((c) => {
      const where = `${file}:${c.line}:${c.col}  ${c.path}`;
      if (c.action === 'updated') return `${where}  updated to ${c.integrity} (was ${c.old?.slice(0, 19)}…)`;
      if (c.action === 'added') return `${where}  added ${c.integrity}`;
      return `${where}  skipped: ${c.reason}`;
    });
}

function summary(file: string, changes: readonly IntegrityChange[], written: boolean): string {
  const count = (action: IntegrityChange['action']) => changes.filter((c) => c.action === action).length;
  const parts = [`${count('updated')} updated`, `${count('added')} added`, `${count('unchanged')} unchanged`];
  const unpinned = changes.filter((c) => c.action === 'skipped' && c.old === undefined).length;
  if (unpinned > 0) parts.push(`${plural(unpinned, 'entry', 'entries')} without integrity (pass --add to pin them)`);
  return `${file}: ${written ? 'written' : 'not changed'}; ${parts.join(', ')}`;
}

async function realpathOr(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return file;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A throw-away copy for scaffolding tests: `experience-plugins new` run into <dir>/plugins, and
 * copies of the repository's config files with the entries `new` printed pasted where it says
 * (the plugins.yaml entry under tenants.<host>, the grants items into the named roles' lists).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { run } from '../../src/cli/index.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface Scaffolded {
  dir: string;
  pluginsDir: string;
  pluginsFile: string;
  grantsFile: string;
  /** What `new` printed (text mode). */
  printed: string;
  remove(): Promise<void>;
}

/** Captures a command's output; the CLI never reads process.env through this. */
async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: { EXPERIENCE_VERSION: '1.4.0' }, cwd });
  return { code, out, err };
}

/** The indented block after a line of `printed` that starts with `heading`, up to the next blank line. */
export function printedBlock(printed: string, heading: string): string {
  const lines = printed.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`"${heading}" not in:\n${printed}`);
  const body = lines.slice(start + 2);
  const end = body.findIndex((l) => l.trim() === '');
  return `${body.slice(0, end < 0 ? undefined : end).join('\n')}\n`;
}

/** Pastes a printed tenant-list entry right under `tenants.<host>:` (as an operator would). */
export function pasteUnderTenant(pluginsYaml: string, host: string, entry: string): string {
  const line = `\n  ${host}:\n`;
  if (!pluginsYaml.includes(line)) throw new Error(`no tenants.${host} in plugins.yaml`);
  return pluginsYaml.replace(line, `${line}${entry}`);
}

/** Appends the printed `role: [items]` to those roles' lists in tenants.<host>.roles. */
export function pasteIntoRoles(grantsYaml: string, host: string, items: string): string {
  const doc = parseDocument(grantsYaml);
  const additions = parseDocument(items).toJS() as Record<string, unknown[]>;
  const roles = doc.getIn(['tenants', host, 'roles']);
  if (!isMap(roles)) throw new Error(`no tenants.${host}.roles in grants.yaml`);
  for (const [role, grants] of Object.entries(additions)) {
    const list = roles.get(role, true);
    if (isSeq(list)) for (const g of grants) list.add(doc.createNode(g));
    else roles.set(role, doc.createNode(grants));
  }
  return doc.toString({ lineWidth: 0 });
}

/** `new <id>` into a fresh <dir>/plugins, with the repository's config files plus the printed entries. */
export async function scaffoldInTemp(id: string, host = 'localhost'): Promise<Scaffolded> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-scaffold-'));
  const created = await cli(dir, ['new', id, '--tenant', host]);
  if (created.code !== 0) throw new Error(`new ${id} exited ${created.code}: ${created.err}`);
  const pluginsFile = path.join(dir, 'plugins.yaml');
  const grantsFile = path.join(dir, 'grants.yaml');
  const pluginsYaml = await readFile(path.join(REPO, 'config/plugins.yaml'), 'utf8');
  const grantsYaml = await readFile(path.join(REPO, 'config/grants.yaml'), 'utf8');
  await writeFile(pluginsFile, pasteUnderTenant(pluginsYaml, host, printedBlock(created.out, 'Add to plugins.yaml')));
  await writeFile(grantsFile, pasteIntoRoles(grantsYaml, host, printedBlock(created.out, 'Add to grants.yaml')));
  return {
    dir,
    pluginsDir: path.join(dir, 'plugins'),
    pluginsFile,
    grantsFile,
    printed: created.out,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export { cli as runCli };

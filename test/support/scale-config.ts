/**
 * Generated configs for the scale benchmark and the reload tests: `tenants` tenants with
 * `plugins` plugins each, `entries` API allow-list entries per plugin, and one role and one
 * user grant per tenant. Deterministic, valid in every mode (each bundle pinned, as production
 * requires; the bundles themselves are not written), written the way an operator
 * writes plugins.yaml (block style, one entry a line) so the YAML size is honest.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ScaleShape {
  tenants: number;
  plugins: number;
  entries: number;
}

/** The host of tenant `t`: `t<t>.example.com`. */
export const tenantHost = (t: number): string => `t${t}.example.com`;
/** The id of plugin `p`: `p<p>`. */
export const pluginId = (p: number): string => `p${p}`;
/** The allow-list entry `e` of every plugin: alternately a fixed path and a one-segment template. */
export const entryPath = (p: number, e: number): string => (e % 2 === 0 ? `/api/${pluginId(p)}/r${e}` : `/api/${pluginId(p)}/r${e}/{id}`);

/** A pin of the form `bundle.integrity` takes (of no real file: nothing here serves the bundles). */
const pin = (id: string, version: string): string => `"sha256:${createHash('sha256').update(`${id}@${version}`).digest('hex')}"`;

function pluginYaml(p: number, entries: number): string {
  const id = pluginId(p);
  const api = Array.from({ length: entries }, (_, e) => `          - method: ${e % 3 === 0 ? 'POST' : 'GET'}\n            path: ${entryPath(p, e)}\n`).join('');
  return (
    `    - id: ${id}\n` +
    `      version: "1.${p}.0"\n` +
    `      engine:\n        experience: ">=1.0.0 <2.0.0"\n` +
    `      bundle:\n        file: /app/plugins/${id}/1.${p}.0/index.esm.js\n        integrity: ${pin(id, `1.${p}.0`)}\n` +
    `      permissions:\n        api:\n${api}        sse: [${id}.events]\n` +
    `      contributions:\n` +
    `        routes:\n          - path: /${id}\n            component: ${id.toUpperCase()}Page\n            resource: ${id}.page\n            action: view\n` +
    `        widgets:\n          - slot: dashboard.main\n            component: ${id.toUpperCase()}Widget\n            resource: ${id}.widget\n            action: view\n`
  );
}

/** plugins.yaml text. `salt` changes one entry of the last tenant: a one-line edit for reload runs. */
export function scalePluginsYaml(shape: ScaleShape, salt = 0): string {
  const block = Array.from({ length: shape.plugins }, (_, p) => pluginYaml(p, shape.entries)).join('');
  let out = 'tenants:\n';
  for (let t = 0; t < shape.tenants; t++) {
    out += `  ${tenantHost(t)}:\n`;
    out += t === shape.tenants - 1 && salt !== 0 ? block.replace('/r0\n', `/r0x${salt}\n`) : block;
  }
  return `${out}upstreams: []\n`;
}

/** grants.yaml text: role `member` sees every route and widget; user `u<t>` every action. */
export function scaleGrantsYaml(shape: ScaleShape): string {
  let out = 'tenants:\n';
  for (let t = 0; t < shape.tenants; t++) {
    out +=
      `  ${tenantHost(t)}:\n    roles:\n      member:\n        - { resource: "*", action: view }\n` +
      `    users:\n      u${t}:\n        - { resource: "*", action: "*" }\n`;
  }
  return out;
}

/** Writes both files to a new temp folder; returns their paths. */
export async function writeScaleConfig(shape: ScaleShape, dir?: string): Promise<{ dir: string; pluginsFile: string; grantsFile: string; bytes: number }> {
  const where = dir ?? (await mkdtemp(path.join(tmpdir(), 'xp-scale-')));
  await mkdir(where, { recursive: true });
  const plugins = scalePluginsYaml(shape);
  const grants = scaleGrantsYaml(shape);
  const pluginsFile = path.join(where, 'plugins.yaml');
  const grantsFile = path.join(where, 'grants.yaml');
  await writeFile(pluginsFile, plugins);
  await writeFile(grantsFile, grants);
  return { dir: where, pluginsFile, grantsFile, bytes: Buffer.byteLength(plugins) + Buffer.byteLength(grants) };
}

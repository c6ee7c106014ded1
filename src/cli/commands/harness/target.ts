import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { CliError } from '../../shared/index.js';

/** What `harness` checks: a bundle, the plugin it belongs to, and its sources when known. */
export interface HarnessTarget {
  id: string | undefined;
  version: string | undefined;
  /** Absolute path of the bundle (it may not exist yet: then that is a finding). */
  bundle: string;
  /** Absolute paths of source files (`<plugin>/src/**`), empty for a bare bundle. */
  sources: string[];
  /** plugin.json when the target is a plugin folder. */
  pluginJson?: { file: string; text: string; data: Record<string, unknown> };
}

const SOURCE = /\.(?:tsx?|jsx?|mjs)$/;
const TEST = /\.(?:test|spec)\.[^.]+$/;

/**
 * Resolves the harness argument: a plugin folder (`plugins/<id>` with plugin.json, whose bundle
 * is `<version>/index.esm.js` and sources `src/`), a bundle folder (`plugins/<id>/<version>`), or
 * a bundle file (id and version read from a `<id>/<version>/` path when they fit).
 */
export async function resolveTarget(arg: string, pluginOverride: string | undefined): Promise<HarnessTarget> {
  let info;
  try {
    info = await stat(arg);
  } catch {
    throw new CliError(`${arg} does not exist (give a plugin folder like plugins/hello, or a bundle file)`);
  }
  if (info.isDirectory()) {
    const manifest = path.join(arg, 'plugin.json');
    const raw = await readFile(manifest, 'utf8').catch(() => undefined);
    if (raw !== undefined) {
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch (error) {
        throw new CliError(`${manifest} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new CliError(`${manifest} is not a JSON object`);
      const record = data as Record<string, unknown>;
      const id = pluginOverride ?? (typeof record['id'] === 'string' ? record['id'] : path.basename(path.resolve(arg)));
      const version = typeof record['version'] === 'string' ? record['version'] : undefined;
      if (version === undefined) throw new CliError(`${manifest} has no "version": the bundle is at <version>/index.esm.js`);
      return { id, version, bundle: path.resolve(arg, version, 'index.esm.js'), sources: await listSources(path.join(arg, 'src')), pluginJson: { file: manifest, text: raw, data: record } };
    }
    const bundle = path.resolve(arg, 'index.esm.js');
    if (!(await stat(bundle).catch(() => undefined))) throw new CliError(`${arg} has neither plugin.json (a plugin folder) nor index.esm.js (a bundle folder)`);
    return { ...fromPath(bundle, pluginOverride), bundle, sources: [] };
  }
  const bundle = path.resolve(arg);
  return { ...fromPath(bundle, pluginOverride), bundle, sources: [] };
}

/** `.../<id>/<version>/index.esm.js` -> id and version, when the folder names fit. */
function fromPath(bundle: string, pluginOverride: string | undefined): { id: string | undefined; version: string | undefined } {
  const versionDir = path.basename(path.dirname(bundle));
  const idDir = path.basename(path.dirname(path.dirname(bundle)));
  const version = semver.valid(versionDir) === versionDir ? versionDir : undefined;
  return { id: pluginOverride ?? (version !== undefined ? idDir : undefined), version };
}

async function listSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && SOURCE.test(e.name) && !TEST.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.resolve(e.parentPath ?? dir, e.name))
    .sort();
}

/** `256k`, `1.5m`, `300000`: bytes (k and m are 1024-based). */
export function parseSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
  if (!m?.[1]) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * factor);
}

export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

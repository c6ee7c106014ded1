import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A plugin with sources: what its dev server builds. */
export interface PluginSource {
  id: string;
  version: string;
  /** Absolute path of `<plugins>/<id>/src/index.tsx`. */
  entry: string;
  /** The folder watched for changes (`<plugins>/<id>/src`). */
  srcDir: string;
}

/**
 * The plugins under `pluginsDir` that can be built: `<id>/plugin.json` naming that id and a
 * version, and `<id>/src/index.tsx`. A folder that is not (yet) one is skipped, with the
 * reason, so a half-written scaffold never stops the others.
 */
export async function discoverPlugins(pluginsDir: string): Promise<{ plugins: PluginSource[]; skipped: string[] }> {
  const plugins: PluginSource[] = [];
  const skipped: string[] = [];
  const dirs = await readdir(pluginsDir, { withFileTypes: true }).catch(() => []);
  for (const dir of dirs.filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const folder = path.join(pluginsDir, dir);
    let info: { id?: unknown; version?: unknown };
    try {
      info = JSON.parse(await readFile(path.join(folder, 'plugin.json'), 'utf8')) as typeof info;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push(`${dir}: plugin.json is not readable JSON`);
      continue;
    }
    const entry = path.join(folder, 'src', 'index.tsx');
    if (info.id !== dir) skipped.push(`${dir}: plugin.json names id ${JSON.stringify(info.id)}, not the folder's name`);
    else if (typeof info.version !== 'string') skipped.push(`${dir}: plugin.json has no version`);
    else if (!(await stat(entry).then((s) => s.isFile(), () => false))) skipped.push(`${dir}: no src/index.tsx`);
    else plugins.push({ id: dir, version: info.version, entry, srcDir: path.join(folder, 'src') });
  }
  return { plugins, skipped };
}

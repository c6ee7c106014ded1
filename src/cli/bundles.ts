import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveBundlePath } from '../config/index.js';
import { showPath } from './settings.js';

/** `sha256:<hex>` of some bytes: the form `bundle.integrity` takes. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export type LocatedBundle = { ok: true; file: string } | { ok: false; code: 'bundle_missing' | 'bundle_outside_root' | 'invalid_bundle_path'; message: string };

/**
 * Finds the file behind a `bundle.file` the way the BFF's bundle route does
 * (src/server/bundles/locate.ts): the path below the mount, under the plugins root, and its
 * real path (symlinks followed) inside `<root>/<id>/`. Says why when it cannot.
 */
export async function locateBundle(root: string, mount: string, pluginId: string, bundleFile: string, cwd: string): Promise<LocatedBundle> {
  let resolved: string;
  try {
    resolved = resolveBundlePath(root, bundleFile, mount);
  } catch (error) {
    return { ok: false, code: 'invalid_bundle_path', message: error instanceof Error ? error.message : String(error) };
  }
  const shown = showPath(cwd, resolved);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    return { ok: false, code: 'bundle_missing', message: `bundle not found: ${shown} (plugins root ${showPath(cwd, root)})` };
  }
  if (!info.isFile()) return { ok: false, code: 'bundle_missing', message: `bundle is not a file: ${shown}` };
  try {
    const folder = await realpath(path.join(root, pluginId));
    const real = await realpath(resolved);
    if (!real.startsWith(folder + path.sep)) {
      return { ok: false, code: 'bundle_outside_root', message: `bundle ${shown} resolves (through a symlink) outside ${showPath(cwd, path.join(root, pluginId))}/; the BFF will not serve it` };
    }
    return { ok: true, file: real };
  } catch (error) {
    return { ok: false, code: 'bundle_missing', message: `bundle cannot be resolved: ${shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}

/** Reads a bundle and hashes it; `undefined` if it cannot be read. */
export async function hashFile(file: string): Promise<{ bytes: Buffer; integrity: string } | undefined> {
  try {
    const bytes = await readFile(file);
    return { bytes, integrity: integrityOf(bytes) };
  } catch {
    return undefined;
  }
}


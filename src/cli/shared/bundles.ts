import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { integrityOf, locateBundleFile } from '../../config/index.js';
import { showPath } from './settings.js';

/** Re-exported for the commands and their tests; the one definition is src/config's. */
export { integrityOf };

export type LocatedBundle = { ok: true; file: string } | { ok: false; code: 'bundle_missing' | 'bundle_outside_root' | 'invalid_bundle_path'; message: string };

/**
 * Finds the file behind a `bundle.file` by the BFF's own rule (locateBundleFile in src/config)
 * and says why when it cannot, with paths shown relative to `cwd`.
 */
export async function locateBundle(root: string, mount: string, pluginId: string, bundleFile: string, cwd: string): Promise<LocatedBundle> {
  const located = await locateBundleFile(root, mount, pluginId, bundleFile);
  if (located.ok) return located;
  if (located.code === 'invalid_bundle_path' || located.resolved === undefined) {
    return { ok: false, code: 'invalid_bundle_path', message: located.reason };
  }
  const shown = showPath(cwd, located.resolved);
  if (located.code === 'bundle_outside_root') {
    return {
      ok: false,
      code: 'bundle_outside_root',
      message: `bundle ${shown} resolves (through a symlink) outside ${showPath(cwd, path.join(root, pluginId))}/; the BFF will not serve it`,
    };
  }
  const message =
    located.reason === 'not found'
      ? `bundle not found: ${shown} (plugins root ${showPath(cwd, root)})`
      : located.reason === 'not a file'
        ? `bundle is not a file: ${shown}`
        : `bundle ${located.reason}: ${shown}`;
  return { ok: false, code: 'bundle_missing', message };
}

/** Reads a bundle and returns its integrity; `undefined` if it cannot be read. */
export async function hashFile(file: string): Promise<string | undefined> {
  try {
    return integrityOf(await readFile(file));
  } catch {
    return undefined;
  }
}


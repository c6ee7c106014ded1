/**
 * Where a configured `bundle.file` really is on disk: below the mount, under the plugins root,
 * and (symlinks followed) inside `<root>/<id>/`. The one rule the BFF's bundle route serves by
 * and `experience-plugins validate`/`hash` check with, so the two can never disagree.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveBundlePath } from './bundle-source.js';

export type BundleLocation =
  | { ok: true; file: string }
  | { ok: false; code: 'invalid_bundle_path' | 'bundle_missing' | 'bundle_outside_root'; reason: string; resolved?: string };

const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function locateBundleFile(root: string, mount: string, pluginId: string, bundleFile: string): Promise<BundleLocation> {
  if (!PLUGIN_ID.test(pluginId) || pluginId.includes('..')) {
    return { ok: false, code: 'invalid_bundle_path', reason: `plugin id ${JSON.stringify(pluginId)} cannot name a folder` };
  }
  if (!bundleFile.startsWith(`${mount}/${pluginId}/`)) {
    return { ok: false, code: 'invalid_bundle_path', reason: `bundle file is not inside ${mount}/${pluginId}/` };
  }
  let resolved: string;
  try {
    resolved = resolveBundlePath(root, bundleFile, mount);
  } catch (error) {
    return { ok: false, code: 'invalid_bundle_path', reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    if (!(await stat(resolved)).isFile()) return { ok: false, code: 'bundle_missing', reason: 'not a file', resolved };
  } catch {
    return { ok: false, code: 'bundle_missing', reason: 'not found', resolved };
  }
  try {
    const folder = await realpath(path.join(root, pluginId));
    const real = await realpath(resolved);
    if (!real.startsWith(folder + path.sep)) {
      return { ok: false, code: 'bundle_outside_root', reason: `resolves (through a symlink) outside ${folder}${path.sep}`, resolved };
    }
    return { ok: true, file: real };
  } catch (error) {
    return { ok: false, code: 'bundle_missing', reason: `cannot be resolved (${(error as NodeJS.ErrnoException).code ?? String(error)})`, resolved };
  }
}

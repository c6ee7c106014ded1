/**
 * Maps a configured `bundle.file` (an absolute path under the container mount, e.g.
 * `/app/plugins/hello/1.0.0/index.esm.js`) to a real file in the plugin's own folder under
 * PLUGINS_ROOT, by the rule `experience-plugins validate` checks with (locateBundleFile in
 * src/config): below `<mount>/<id>/`, and its real path (symlinks followed) below the real
 * `<root>/<id>/`. Anything else is "no bundle".
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { locateBundleFile, resolveBundlePath } from '../../config/index.js';
import { fileStamp } from './store.js';

interface Located {
  real: string;
  stamp: string;
}

/**
 * locateBundleFile with a cache: in the steady state one `stat` through the configured path
 * (following any symlink) shows it is still the same file that was located and checked, so
 * the two realpath calls are skipped. Any change (a new build, a swapped symlink) locates
 * again. Returns the real path and its stats for BundleStore.read.
 */
export class BundleLocator {
  private readonly cache = new Map<string, Located>();

  async locate(root: string, mount: string, pluginId: string, file: string): Promise<{ real: string; stats: Stats } | undefined> {
    const key = `${pluginId}\u0000${file}`;
    const cached = this.cache.get(key);
    let resolved: string;
    try {
      resolved = resolveBundlePath(root, file, mount);
    } catch {
      return undefined;
    }
    let stats: Stats;
    try {
      stats = await stat(resolved);
    } catch {
      this.cache.delete(key);
      return undefined;
    }
    if (cached && cached.stamp === fileStamp(stats)) return { real: cached.real, stats };
    const located = await locateBundleFile(root, mount, pluginId, file);
    if (!located.ok) {
      this.cache.delete(key);
      return undefined;
    }
    const real = located.file;
    const fresh = await stat(real).catch(() => undefined);
    if (!fresh) return undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { real, stamp: fileStamp(fresh) });
    return { real, stats: fresh };
  }
}

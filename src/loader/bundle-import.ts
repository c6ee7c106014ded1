import { BundleLoadError } from './errors/index.js';
import type { ModuleCache } from './module-cache.js';

/**
 * Imports a plugin bundle through the module cache. `import()` says little when it fails, so on
 * failure the bundle route is fetched once more to tell an HTTP error or an integrity mismatch
 * (409 + `X-Integrity-Error`) from a bundle that is broken JavaScript or throws when evaluated.
 */
export async function importBundle(
  pluginId: string, url: string, modules: ModuleCache, fetchImpl: typeof fetch,
): Promise<Record<string, unknown>> {
  try {
    return await modules.load(url);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    let status: number | undefined;
    try {
      const res = await fetchImpl(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) status = res.status;
      if (res.status === 409 && res.headers.get('x-integrity-error') === '1') {
        throw new BundleLoadError(pluginId, url, 'the bundle does not match its configured integrity (409)', { cause, status });
      }
    } catch (e) {
      if (e instanceof BundleLoadError) throw e;
    }
    const detail = status !== undefined ? `HTTP ${status}` : reason;
    throw new BundleLoadError(pluginId, url, detail, { cause, ...(status !== undefined ? { status } : {}) });
  }
}

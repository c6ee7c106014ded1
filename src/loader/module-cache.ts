/** Imports one ES module by URL. The browser default is `import(url)`; tests pass a fake. */
export type ModuleImporter = (url: string) => Promise<Record<string, unknown>>;

export const browserImport: ModuleImporter = (url) => import(/* webpackIgnore: true */ url) as Promise<Record<string, unknown>>;

/**
 * Session cache of imported bundles, keyed by URL (the URL names the version, so a new version
 * is a new key). A failed import is forgotten so that the next discovery tries again.
 */
export function createModuleCache(importer: ModuleImporter = browserImport) {
  const cache = new Map<string, Promise<Record<string, unknown>>>();
  return {
    load(url: string): Promise<Record<string, unknown>> {
      let p = cache.get(url);
      if (!p) {
        p = importer(url);
        cache.set(url, p);
        p.catch(() => cache.delete(url));
      }
      return p;
    },
    get size() {
      return cache.size;
    },
  };
}

export type ModuleCache = ReturnType<typeof createModuleCache>;

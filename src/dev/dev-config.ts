/**
 * `make dev`'s plugins.yaml: the operator's file with each plugin that has sources in the
 * plugins folder pointed at its dev server (`bundle.url`, no pin: the bytes change on every
 * save). Everything else is kept as written. Pure: text in, text out.
 */
import { isMap, isSeq, parseDocument } from 'yaml';

/** Plugin id -> the URL its dev server serves the bundle at. */
export type DevBundles = ReadonlyMap<string, string>;

/** A notice at the top of the derived file, so nobody edits it by mistake. */
export function devConfigHeader(source: string): string {
  return `# Written by make dev from ${source} on every change; edit that file, not this one.\n# Plugins with sources are served by their dev servers (bundle.url, development mode only).\n`;
}

/**
 * The derived plugins.yaml text. `text` must be a file the loader accepts in development mode
 * (the caller checks first), so its shape is known: tenants -> lists of plugin maps.
 * @example devPluginsYaml(text, new Map([['hello', 'http://127.0.0.1:41234/index.esm.js']]), 'config/plugins.yaml')
 */
export function devPluginsYaml(text: string, bundles: DevBundles, source: string): string {
  const doc = parseDocument(text);
  const tenants = doc.get('tenants');
  if (isMap(tenants)) {
    for (const pair of tenants.items) {
      if (!isSeq(pair.value)) continue;
      for (const plugin of pair.value.items) {
        if (!isMap(plugin)) continue;
        const id = plugin.get('id');
        const url = typeof id === 'string' ? bundles.get(id) : undefined;
        if (url === undefined) continue;
        // A new map, so a flow-style `{ file: ..., integrity: ... }` cannot keep either key.
        plugin.set('bundle', doc.createNode({ url }));
      }
    }
  }
  return devConfigHeader(source) + doc.toString({ lineWidth: 0 });
}

/** The configured plugin ids, per the loader's model (so only the ones the BFF would see). */
export function configuredIds(tenants: Record<string, readonly { id: string }[]>): Set<string> {
  return new Set(Object.values(tenants).flatMap((plugins) => plugins.map((p) => p.id)));
}

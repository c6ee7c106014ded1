/**
 * The `bundle.integrity` values in config/plugins.yaml must match the bytes `make` builds from
 * plugins/<id>/src (builds are deterministic), so they cannot drift: change a plugin's source and
 * this test names the plugin and the new value to write.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlugin, listPlugins, type BuiltPlugin, type PluginInfo } from '../../scripts/web/build-plugins.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ConfiguredPlugin {
  id: string;
  version: string;
  bundle: { file?: string; url?: string; integrity?: string };
  contributions?: { routes?: Array<{ component: string }>; widgets?: Array<{ component: string }> };
}

const config = parse(readFileSync(path.join(ROOT, 'config/plugins.yaml'), 'utf8')) as { tenants: Record<string, ConfiguredPlugin[]> };
const configured = Object.entries(config.tenants).flatMap(([tenant, plugins]) => plugins.map((p) => ({ tenant, ...p })));
const label = (p: { tenant: string; id: string }) => `${p.tenant}/${p.id}`;

let sources: Map<string, PluginInfo>;
let built: Map<string, BuiltPlugin>;

beforeAll(async () => {
  sources = new Map((await listPlugins(ROOT)).map((i) => [i.id, i]));
  built = new Map();
  for (const info of sources.values()) built.set(info.id, await buildPlugin(ROOT, info, { write: false }));
});

describe('plugin bundles and their configured integrity', () => {
  it('every configured plugin with a bundle file has sources in plugins/<id> at the configured version', () => {
    for (const p of configured.filter((c) => c.bundle.file)) {
      const info = sources.get(p.id);
      expect(info, `${label(p)}: no plugins/${p.id}/plugin.json`).toBeDefined();
      expect(info?.version, `${label(p)}: plugins/${p.id}/plugin.json version`).toBe(p.version);
      expect(p.bundle.file, label(p)).toBe(`/app/plugins/${p.id}/${p.version}/index.esm.js`);
    }
  });

  it('every configured integrity matches the bytes built from the sources', () => {
    const withIntegrity = configured.filter((c) => c.bundle.integrity);
    expect(withIntegrity.length, 'no plugin in config/plugins.yaml sets bundle.integrity').toBeGreaterThan(0);
    for (const p of withIntegrity) {
      expect(p.bundle.integrity, `${label(p)}: set bundle.integrity to ${built.get(p.id)?.integrity}`).toBe(built.get(p.id)?.integrity);
    }
  });

  it('every plugin served from a file has its integrity pinned', () => {
    const unpinned = configured.filter((c) => c.bundle.file && !c.bundle.integrity).map(label);
    expect(unpinned).toEqual([]);
  });

  it('the bundles on disk are current (make builds them from the same sources)', () => {
    for (const b of built.values()) {
      if (!existsSync(b.file)) continue; // not built yet: nothing stale to catch
      expect(Buffer.from(readFileSync(b.file)).equals(Buffer.from(b.bytes)), `${b.file} is stale: run node scripts/build-web.mjs`).toBe(true);
    }
  });

  it('every component the config names is exported by the bundle (plugin.json lists it, the build checks it)', () => {
    for (const p of configured) {
      const info = sources.get(p.id);
      if (!info) continue;
      const names = [...(p.contributions?.routes ?? []), ...(p.contributions?.widgets ?? [])].map((c) => c.component);
      for (const name of names) expect(info.components, `${label(p)}: ${name}`).toContain(name);
    }
  });

  it('building twice gives the same bytes', async () => {
    const info = sources.get('orders');
    if (!info) return;
    const again = await buildPlugin(ROOT, info, { write: false });
    expect(again.integrity).toBe(built.get('orders')?.integrity);
  });
});

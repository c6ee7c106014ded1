/**
 * One esbuild watch build and server per plugin with sources, on 127.0.0.1 and a free port:
 * built like the release bundle (React from /shared/, host sources type-only), unminified with
 * inline source maps. The BFF fetches `http://127.0.0.1:<port>/index.esm.js` through its bundle
 * route, so the browser still loads it same-origin.
 */
import path from 'node:path';
import * as esbuild from 'esbuild';
import { pluginBuildPlugins } from '../../scripts/web/build-plugins.mjs';
import { baseOptions } from '../../scripts/web/options.mjs';
import type { PluginSource } from './discover.js';

interface Served {
  source: PluginSource;
  context: esbuild.BuildContext;
  url: string;
}

export interface PluginServers {
  /** Starts servers for new plugins and stops those gone; resolves with id -> bundle URL. */
  sync(plugins: readonly PluginSource[]): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export function createPluginServers(options: { repoRoot: string; outDir: string; log: (line: string) => void; show: (file: string) => string }): PluginServers {
  const served = new Map<string, Served>();

  async function start(source: PluginSource): Promise<Served> {
    const outdir = path.join(options.outDir, source.id);
    const context = await esbuild.context({
      ...baseOptions(options.repoRoot),
      minify: false,
      sourcemap: 'inline',
      // Build errors are printed with file:line:col; the last good bundle keeps being served.
      logLevel: 'warning',
      entryPoints: { 'index.esm': source.entry },
      outdir,
      plugins: pluginBuildPlugins(options.repoRoot),
    });
    // The first build before watching, so a build error is printed before the URL.
    await context.rebuild().catch(() => undefined);
    await context.watch();
    const { port } = await context.serve({ host: '127.0.0.1', port: 0, servedir: outdir });
    return { source, context, url: `http://127.0.0.1:${port}/index.esm.js` };
  }

  async function stop(s: Served): Promise<void> {
    // After Ctrl-C the terminal has signalled esbuild's own process too: it may be gone already.
    await s.context.dispose().catch(() => undefined);
  }

  return {
    async sync(plugins) {
      const wanted = new Map(plugins.map((p) => [p.id, p]));
      for (const [id, s] of served) {
        const next = wanted.get(id);
        if (next === undefined || next.entry !== s.source.entry) {
          served.delete(id);
          await stop(s);
          options.log(`${id}: dev server stopped`);
        }
      }
      for (const p of plugins) {
        if (served.has(p.id)) continue;
        const s = await start(p);
        served.set(p.id, s);
        options.log(`${p.id}: ${s.url} (watching ${options.show(p.srcDir)})`);
      }
      return new Map([...served].map(([id, s]) => [id, s.url]));
    },
    async close() {
      const all = [...served.values()];
      served.clear();
      await Promise.all(all.map(stop));
    },
  };
}

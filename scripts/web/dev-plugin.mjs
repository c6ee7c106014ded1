#!/usr/bin/env node
// A plugin author's dev server: rebuilds plugins/<id>/src on every change and serves the bundle at
// http://localhost:<port>/index.esm.js, built like the release bundle (React from the host's
// /shared/ modules, host sources type-only), unminified with inline source maps. Point the plugin's `bundle.url` at it and run the BFF in development
// mode: the BFF proxies it through /api/plugins/bundle, so CSP stays `script-src 'self'`, and a
// shell built with EXPERIENCE_MODE=development accepts the plugin's devUrl.
//
//   node scripts/web/dev-plugin.mjs hello [--port 5173]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { pluginBuildPlugins, readPluginInfo } from './build-plugins.mjs';
import { baseOptions } from './options.mjs';

const cwd = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main([id, ...rest]) {
  if (!id) throw new Error('usage: node scripts/web/dev-plugin.mjs <plugin-id> [--port 5173]');
  const portAt = rest.indexOf('--port');
  const port = portAt === -1 ? 5173 : Number(rest[portAt + 1]);
  const info = await readPluginInfo(cwd, id);
  const outdir = path.join(cwd, 'build/dev-plugins', id);
  const ctx = await esbuild.context({
    ...baseOptions(cwd),
    minify: false,
    sourcemap: 'inline',
    logLevel: 'info',
    entryPoints: { 'index.esm': `plugins/${id}/src/index.tsx` },
    outdir,
    plugins: pluginBuildPlugins(cwd),
  });
  await ctx.watch();
  const { port: bound } = await ctx.serve({ host: '127.0.0.1', port, servedir: outdir });
  process.stdout.write(`${info.id} ${info.version}: bundle.url http://127.0.0.1:${bound}/index.esm.js (watching plugins/${id}/src)\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`dev-plugin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

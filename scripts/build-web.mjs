#!/usr/bin/env node
// Builds the browser side: the shared React modules (build/web/shared/), the Experience shell
// (build/web/index.html + build/web/assets/app/) and every plugin under plugins/<id>/ to
// plugins/<id>/<version>/index.esm.js. Deterministic; silent on success; exit 1 on error.
//
//   node scripts/build-web.mjs                  everything
//   node scripts/build-web.mjs --plugins        plugins only
//   node scripts/build-web.mjs --integrity      also print "<id> <version> sha256:<hex>" per plugin
//
// EXPERIENCE_MODE (development | production | test; default production) is written into
// index.html: the loader accepts a plugin's devUrl only when the shell was built for development.
// NODE_ENV is deliberately ignored, so a test runner's NODE_ENV=test cannot change the build.
import { readFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin, listPlugins } from './web/build-plugins.mjs';
import { buildShared } from './web/build-shared.mjs';
import { buildShell } from './web/build-shell.mjs';

const cwd = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODES = ['development', 'production', 'test'];

function hostMode() {
  const raw = process.env.EXPERIENCE_MODE || 'production';
  if (!MODES.includes(raw)) throw new Error(`EXPERIENCE_MODE must be one of ${MODES.join(', ')}, got "${raw}"`);
  return raw;
}

async function main(argv) {
  const pluginsOnly = argv.includes('--plugins');
  const unknown = argv.filter((a) => !['--plugins', '--integrity'].includes(a));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}`);
  if (!pluginsOnly) {
    const webDir = path.join(cwd, 'build/web');
    const pkg = JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8'));
    await rm(webDir, { recursive: true, force: true });
    await mkdir(webDir, { recursive: true });
    await buildShared({ cwd, webDir });
    await buildShell({ cwd, webDir, mode: hostMode(), hostVersion: process.env.EXPERIENCE_VERSION || pkg.version });
  }
  const built = [];
  for (const info of await listPlugins(cwd)) built.push(await buildPlugin(cwd, info));
  if (argv.includes('--integrity')) for (const b of built) process.stdout.write(`${b.id} ${b.version} ${b.integrity}\n`);
}

function describe(error) {
  if (Array.isArray(error?.errors) && error.errors.length > 0) {
    return error.errors
      .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text))
      .join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`build-web: ${describe(error)}\n`);
  process.exit(1);
});

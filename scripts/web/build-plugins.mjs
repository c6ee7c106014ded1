import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { baseOptions } from './options.mjs';
import { sharedExternals } from './shared.mjs';

/** Reads `plugins/<dir>/plugin.json`: `{ id, version, components: [...] }`. */
export async function readPluginInfo(cwd, dir) {
  const file = path.join(cwd, 'plugins', dir, 'plugin.json');
  const info = JSON.parse(await readFile(file, 'utf8'));
  if (info.id !== dir) throw new Error(`${file}: id "${info.id}" must equal the folder name "${dir}"`);
  if (typeof info.version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(info.version)) {
    throw new Error(`${file}: version must be a semver version`);
  }
  if (!Array.isArray(info.components) || info.components.some((c) => typeof c !== 'string')) {
    throw new Error(`${file}: components must list the exported component names`);
  }
  return info;
}

/** Every plugin folder that has a plugin.json, sorted. */
export async function listPlugins(cwd) {
  const dirs = (await readdir(path.join(cwd, 'plugins'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const found = [];
  for (const dir of dirs) {
    try {
      await stat(path.join(cwd, 'plugins', dir, 'plugin.json'));
      found.push(await readPluginInfo(cwd, dir));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
  return found;
}

export const bundlePath = (cwd, info) => path.join(cwd, 'plugins', info.id, info.version, 'index.esm.js');

export const integrityOf = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Plugins get the SDK as the `sdk` prop of their components, so a runtime import of the SDK
 * (or of anything else in the host's src/) would bundle a second copy: refuse it.
 */
function hostSourcesAreTypesOnly(cwd) {
  const src = path.join(cwd, 'src') + path.sep;
  return {
    name: 'host-sources-are-types-only',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (target.startsWith(src)) {
          return { errors: [{ text: `${path.relative(cwd, args.importer)}: imports ${args.path} at run time; plugins may only "import type" from the host (the SDK arrives as the sdk prop)` }] };
        }
        return undefined;
      });
    },
  };
}

/** The esbuild plugins every plugin build uses, release and dev server alike. */
export const pluginBuildPlugins = (cwd) => [sharedExternals(), hostSourcesAreTypesOnly(cwd)];

/**
 * Builds `plugins/<id>/src/index.tsx` to `plugins/<id>/<version>/index.esm.js` and checks that it
 * exports every component plugin.json lists. `write: false` builds in memory (the integrity test).
 */
export async function buildPlugin(cwd, info, { write = true } = {}) {
  const entry = `plugins/${info.id}/src/index.tsx`;
  const outfile = bundlePath(cwd, info);
  const result = await esbuild.build({
    ...baseOptions(cwd),
    write,
    entryPoints: [entry],
    outfile,
    plugins: pluginBuildPlugins(cwd),
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === entry);
  const missing = info.components.filter((c) => !output?.exports.includes(c));
  if (missing.length > 0) {
    throw new Error(`plugins/${info.id}/plugin.json lists ${missing.join(', ')}, which ${entry} does not export`);
  }
  const bytes = write ? await readFile(outfile) : result.outputFiles[0].contents;
  return { id: info.id, version: info.version, file: outfile, integrity: integrityOf(bytes), bytes };
}

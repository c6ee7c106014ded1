import path from 'node:path';
import * as esbuild from 'esbuild';
import { baseOptions } from './options.mjs';
import { SHARED_MODULES, sharedEntrySource } from './shared.mjs';

/**
 * Builds the shared modules into `<web>/shared/*.js`, splitting so that React itself lives in
 * one chunk every entry imports: react-dom and the JSX runtime use the same React.
 */
export async function buildShared({ cwd, webDir }) {
  const entryPoints = Object.fromEntries(
    Object.entries(SHARED_MODULES).map(([spec, file]) => [file.replace(/\.js$/, ''), `shared-entry:${spec}`]),
  );
  await esbuild.build({
    ...baseOptions(cwd),
    entryPoints,
    outdir: webDir,
    splitting: true,
    entryNames: 'shared/[name]',
    chunkNames: 'assets/chunks/[name]-[hash]',
    plugins: [{
      name: 'shared-entries',
      setup(build) {
        build.onResolve({ filter: /^shared-entry:/ }, (args) => ({ path: args.path.slice('shared-entry:'.length), namespace: 'shared-entry' }));
        build.onLoad({ filter: /.*/, namespace: 'shared-entry' }, (args) => ({
          contents: sharedEntrySource(args.path, cwd),
          resolveDir: cwd,
          loader: 'js',
        }));
      },
    }],
  });
  return Object.values(SHARED_MODULES).map((f) => path.join(webDir, 'shared', f));
}

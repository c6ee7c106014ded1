import { readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { baseOptions } from './options.mjs';
import { sharedExternals } from './shared.mjs';

const ENTRY = 'src/shell/main.tsx';

/** The esbuild options of the shell build: one hashed script and stylesheet under `<web>/assets/app/`. */
export function shellBuildOptions({ cwd, webDir }) {
  return {
    ...baseOptions(cwd),
    entryPoints: { main: ENTRY },
    outdir: path.join(webDir, 'assets/app'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    // react-router ships development code as its default export condition.
    conditions: ['production'],
    plugins: [sharedExternals()],
  };
}

/**
 * Writes `<web>/index.html` from the template for a build's metafile: one module script, one
 * stylesheet, no inline script or style, so `script-src 'self'; style-src 'self'` holds.
 */
export async function writeShellIndex({ cwd, webDir, mode, hostVersion, metafile }) {
  const outputs = Object.entries(metafile.outputs);
  const js = outputs.find(([, o]) => o.entryPoint === ENTRY);
  if (!js) throw new Error('the shell build produced no entry output');
  const css = js[1].cssBundle;
  if (!css) throw new Error('the shell build produced no stylesheet (src/shell/main.tsx must import styles.css)');
  const url = (file) => '/' + path.relative(webDir, path.resolve(cwd, file)).split(path.sep).join('/');
  const template = await readFile(path.join(cwd, 'src/shell/index.html'), 'utf8');
  const html = template
    .replaceAll('%SCRIPT%', url(js[0]))
    .replaceAll('%STYLESHEET%', url(css))
    .replaceAll('%MODE%', mode)
    .replaceAll('%VERSION%', hostVersion);
  if (/%[A-Z]+%/.test(html)) throw new Error(`src/shell/index.html has an unknown placeholder: ${html.match(/%[A-Z]+%/)[0]}`);
  await writeFile(path.join(webDir, 'index.html'), html);
  await copyFile(path.join(cwd, 'src/shell/favicon.svg'), path.join(webDir, 'favicon.svg'));
}

/** Builds the Experience shell (src/shell/main.tsx and its stylesheet) and writes index.html. */
export async function buildShell({ cwd, webDir, mode, hostVersion }) {
  const result = await esbuild.build(shellBuildOptions({ cwd, webDir }));
  await writeShellIndex({ cwd, webDir, mode, hostVersion, metafile: result.metafile });
}

/**
 * The shell built for development (the loader accepts a plugin's devUrl only then) into `make
 * dev`'s own web root, rebuilt on every save: index.html is rewritten to the new hashed files,
 * and the BFF serves it `no-store`, so a page reload picks the change up.
 */
import { mkdir, rm } from 'node:fs/promises';
import * as esbuild from 'esbuild';
import { buildShared } from '../../scripts/web/build-shared.mjs';
import { shellBuildOptions, writeShellIndex } from '../../scripts/web/build-shell.mjs';

export interface ShellWatch {
  close(): Promise<void>;
}

export async function watchShell(options: { repoRoot: string; webDir: string; hostVersion: string; log: (line: string) => void }): Promise<ShellWatch> {
  const { repoRoot: cwd, webDir } = options;
  await rm(webDir, { recursive: true, force: true });
  await mkdir(webDir, { recursive: true });
  await buildShared({ cwd, webDir });
  let script: string | undefined;
  const base = shellBuildOptions({ cwd, webDir });
  const context = await esbuild.context({
    ...base,
    logLevel: 'warning',
    plugins: [
      ...(base.plugins ?? []),
      {
        name: 'write-index',
        setup(build) {
          build.onEnd(async (result) => {
            if (result.errors.length > 0 || !result.metafile) return;
            await writeShellIndex({ cwd, webDir, mode: 'development', hostVersion: options.hostVersion, metafile: result.metafile });
            // The script's hashed name changes exactly when its bytes do: say so then, not on every build.
            const next = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.js'));
            if (script !== undefined && next !== script) options.log('shell rebuilt: reload the page');
            script = next;
          });
        },
      },
    ],
  });
  // The first build before watching, so index.html exists when the BFF starts (errors were printed).
  await context.rebuild().catch(() => undefined);
  await context.watch();
  return { close: () => context.dispose().catch(() => undefined) };
}

/**
 * The BFF for `make dev`: src/demo/main.ts (demo upstream and publisher included) under `tsx
 * watch`, so an edit to the server restarts it. Sessions survive a restart: the session key is
 * made once per `make dev` run, not per process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface BffChild {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or 128 + signal) when the process is gone. */
  readonly exited: Promise<number>;
  /**
   * Stops it and resolves once it is gone. `alreadySignalled`: a terminal's Ctrl-C reached the
   * whole process group, the BFF included, so it is given time to drain before a SIGTERM (tsx
   * watch kills its child outright on a second signal); otherwise SIGTERM at once. SIGKILL last.
   */
  stop(alreadySignalled: boolean): Promise<number>;
}

export function startBffChild(options: { repoRoot: string; env: NodeJS.ProcessEnv }): BffChild {
  const tsx = path.join(options.repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const child = spawn(process.execPath, [tsx, 'watch', '--clear-screen=false', 'src/demo/main.ts'], {
    cwd: options.repoRoot,
    env: options.env,
    // stdin ignored: tsx watch reruns on a Return key, which a terminal's input must not trigger by accident.
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 143)));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  return {
    child,
    exited,
    async stop(alreadySignalled) {
      if (gone()) return exited;
      if (!alreadySignalled || !(await within(3000))) child.kill('SIGTERM');
      if (!(await within(8000))) child.kill('SIGKILL');
      return exited;
    },
  };
}

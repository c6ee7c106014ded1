/**
 * `make dev` (src/dev/main.ts) as a child process in a process group of its own, so a test can
 * press Ctrl-C the way a terminal does (SIGINT to the whole group) or send SIGTERM to it alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO } from './scaffold.js';

export interface DevRunner {
  port: number;
  /** http://localhost:<port>: the tenant is the host name. */
  url: string;
  output(): string;
  /** The dev server URL the runner printed for a plugin, once it has. */
  pluginUrl(id: string): string | undefined;
  /** Ctrl-C (SIGINT to the group) or SIGTERM to the runner alone; resolves with its exit code, or null if it had to be killed. */
  stop(how: 'ctrl-c' | 'sigterm', timeoutMs?: number): Promise<number | null>;
  /** Last resort for afterAll: SIGKILL to the whole group. */
  kill(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startDevRunner(env: Record<string, string>): Promise<DevRunner> {
  const port = await freePort();
  let output = '';
  // Only what the runner needs: vitest's NODE_ENV and the like must not leak in.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/dev/main.ts'], {
    cwd: REPO,
    detached: true,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'warn', DEMO_PUBLISH_INTERVAL_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid as number;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`make dev exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      process.kill(-pid, 'SIGKILL');
      throw new Error(`make dev was not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    port,
    url: `http://localhost:${port}`,
    output: () => output,
    pluginUrl: (id) => new RegExp(`\\[dev\\] ${id}: (http://127\\.0\\.0\\.1:\\d+/index\\.esm\\.js)`).exec(output)?.[1],
    async stop(how, timeoutMs = 30_000) {
      if (child.exitCode !== null) return child.exitCode;
      if (how === 'ctrl-c') process.kill(-pid, 'SIGINT');
      else child.kill('SIGTERM');
      const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** True when nothing accepts connections on 127.0.0.1:<port> any more. */
export async function portClosed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(() => false, () => true);
}

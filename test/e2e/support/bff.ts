/**
 * Starts the BFF exactly as `make run` does (`node dist/demo/main.js`: demo upstream, demo
 * publisher, demo OpenID provider, BFF in development mode) on free ports, and stops it. Only
 * PORT, METRICS_PORT, DEMO_OIDC_PORT, LOG_LEVEL and the publisher's interval differ, so the suite
 * does not wait 5 s per SSE event.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunningBff {
  port: number;
  /** The demo OpenID provider's issuer (http://127.0.0.1:<port>). */
  issuer: string;
  /** http://localhost:<port>: the tenant is the host name, so it must be `localhost`. */
  url: string;
  /** What the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
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

/** The demo and the policy come from `make`; the web build is cheap and deterministic, so build it if missing. */
export function ensureBuilt(): void {
  const missing = ['dist/demo/main.js', 'build/policy.wasm'].filter((f) => !existsSync(path.join(ROOT, f)));
  if (missing.length > 0) throw new Error(`e2e needs ${missing.join(' and ')}: run make build (tsc -p tsconfig.build.json, make policy) first`);
  if (!existsSync(path.join(ROOT, 'build/web/index.html')) || !existsSync(path.join(ROOT, 'plugins/hello/1.0.0/index.esm.js'))) {
    const r = spawnSync(process.execPath, ['scripts/build-web.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/build-web.mjs failed:\n${r.stderr}`);
  }
}

export async function startBff(env: Record<string, string> = {}): Promise<RunningBff> {
  ensureBuilt();
  const port = await freePort();
  // The demo provider's port too: several runs (and `make run`) may share the machine.
  const oidcPort = await freePort();
  let output = '';
  // vitest sets NODE_ENV=test; `make run` does not, and the demo then runs in development mode.
  const { NODE_ENV: _vitest, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['dist/demo/main.js'], {
    cwd: ROOT,
    // METRICS_PORT=0: a free port, so the suite never collides with a `make run` on the default one.
    env: { ...inherited, PORT: String(port), METRICS_PORT: '0', DEMO_OIDC_PORT: String(oidcPort), LOG_LEVEL: 'warn', DEMO_PUBLISH_INTERVAL_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://localhost:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the BFF exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the BFF was not ready within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    port,
    issuer: `http://127.0.0.1:${oidcPort}`,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * `make run-cluster` as a child process (`node dist/demo/cluster/main.js`): Redis, three BFF
 * replicas, HAProxy in front, the demo services; on free ports, with the demo publisher quiet
 * so the test's own events are the ones on the page. Sessions are in the cluster's Redis: one
 * sign-in through the load balancer holds on every replica.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureBuilt, ROOT } from './bff.js';

export const PUBLISH_TOKEN = 'e2e-cluster-publish-token-0123456789';

export interface ClusterReplica {
  name: string;
  pid: number;
  port: number;
  metricsPort: number;
}

export interface RunningCluster {
  /** http://localhost:<load balancer port> */
  url: string;
  replicas: ClusterReplica[];
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

export async function startCluster(): Promise<RunningCluster> {
  ensureBuilt();
  if (!existsSync(path.join(ROOT, 'dist/demo/cluster/main.js'))) throw new Error('e2e needs dist/demo/cluster/main.js: run make build first');
  const [port, oidcPort] = [await freePort(), await freePort()];
  let output = '';
  const { NODE_ENV: _vitest, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['dist/demo/cluster/main.js'], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: String(port),
      DEMO_OIDC_PORT: String(oidcPort),
      DEMO_PUBLISH_INTERVAL_MS: '3600000',
      PUBLISH_TOKEN,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<ClusterReplica[]>((resolve, reject) => {
    let partial = '';
    child.stdout?.on('data', (d: Buffer) => {
      const text = d.toString();
      output += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"cluster ready')) continue;
        resolve((JSON.parse(line) as { replicas: ClusterReplica[] }).replicas);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then(() => reject(new Error(`run-cluster exited before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`run-cluster not ready within 60 s:\n${output}`)), 60_000).unref();
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    return { url: `http://localhost:${port}`, replicas: await ready, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

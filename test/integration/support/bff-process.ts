/**
 * The production entry point as a child process: `node dist/server/main.js` with a fixture
 * and settings in its environment, its JSON log lines parsed from stdout, signals sent to
 * it. dist/ comes from `make server`; a dist/ older than the sources it is built from is
 * refused, so a test never passes or fails on stale code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESSION_KEY } from './bff.js';
import { closedPortUrl } from './upstream.js';
import { createFixture, type Fixture } from './fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MAIN = path.join(ROOT, 'dist/server/main.js');
// What tsconfig.build.json compiles into dist/server/main.js and its imports.
const SOURCES = ['src/server', 'src/engine', 'src/snapshots', 'src/config', 'src/errors', 'src/policy-bundle'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  if (!existsSync(MAIN)) throw new Error('dist/server/main.js is missing: run `make server` first');
  const built = statSync(MAIN).mtimeMs;
  const stale = SOURCES.filter((dir) => newestSource(path.join(ROOT, dir)) > built);
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.join(', ')}: run \`make server\` first`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BffProcess {
  port: number;
  /** The operators' listener's port (METRICS_PORT=0 picks it): `/metrics` and the detailed `/readyz`. */
  metricsPort: number;
  fixture: Fixture;
  /** Every JSON log line printed so far. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line (printed so far or later) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  signal(signal: NodeJS.Signals): void;
  exited: Promise<Exit>;
  /** Kills the process if it still runs, and removes the fixture. */
  cleanup(): Promise<void>;
}

/** The environment the child runs with: the fixture's files, loopback, a dev login; `env` on top. */
export function bffEnv(fixture: Fixture, env: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_ENV: _vitest, ...inherited } = process.env;
  return {
    ...inherited,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    PLUGINS_CONFIG: fixture.pluginsFile,
    GRANTS_CONFIG: fixture.grantsFile,
    IDENTITY_CONFIG: fixture.identityFile,
    POLICY_WASM: fixture.policyFile,
    PLUGINS_ROOT: fixture.pluginsRoot,
    WEB_ROOT: fixture.webRoot,
    EXPERIENCE_VERSION: '1.4.0',
    SESSION_KEYS: SESSION_KEY,
    DEV_LOGIN: 'true',
    CONFIG_WATCH: 'false',
    LOG_LEVEL: 'info',
    // The lines are parsed as JSON, whatever the runner's own LOG_FORMAT.
    LOG_FORMAT: 'json',
    ...env,
  };
}

export async function startBffProcess(env: Record<string, string>): Promise<BffProcess> {
  ensureBuilt();
  const fixture = await createFixture({ downUrl: await closedPortUrl() });
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: bffEnv(fixture, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete.filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of [...waiters]) w();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => {
    for (const w of [...waiters]) w();
  });

  const waitForLog: BffProcess['waitForLog'] = (match, what, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) {
          finish();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`the BFF exited (${child.exitCode ?? child.signalCode}) before logging ${what}:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for the BFF to log ${what}:\n${stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await fixture.remove();
  };
  try {
    const listening = await waitForLog((l) => l.msg === 'BFF listening', '"BFF listening"', 30_000);
    return {
      port: Number(listening.port),
      metricsPort: Number((listening.metrics as { port: number }).port),
      fixture,
      logs: () => [...lines],
      waitForLog,
      signal: (signal) => child.kill(signal),
      exited,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

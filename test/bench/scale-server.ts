/**
 * Scale bench child process: the real BFF (startServer) on a generated config, watching its
 * files (50 ms debounce), so an edit reloads it the way it does in production. Prints its port on
 * stdout; over IPC answers `stats` with its RSS, peak RSS, the largest RSS its build processes
 * reached (sampled every 50 ms), serving revision and how long its main thread was held at most
 * since the last `mark` (loop-monitor.ts).
 *
 * Run by scale.bench.ts: scale-server.ts <plugins.yaml> <grants.yaml>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WasmEngine } from '../../src/engine/index.js';
import { createLogger, loadSettings, startServer } from '../../src/server/index.js';
import { monitorLoop, type LoopBlocks } from './loop-monitor.js';

const [pluginsFile, grantsFile] = process.argv.slice(2);
if (!pluginsFile || !grantsFile || !process.send) throw new Error('usage (with an IPC channel): scale-server.ts <plugins.yaml> <grants.yaml>');

export interface ScaleServerStats extends LoopBlocks {
  rssMB: number;
  peakRssMB: number;
  /** The largest RSS a reload's build process (a child of this one) was seen at since the mark. */
  buildPeakRssMB: number;
  revision: number;
  lastReloadOk: boolean;
  /** Of the serving engine's data shards, how many it loaded itself (the rest were kept from the one before). */
  shardsLoaded: number;
  shards: number;
}

/** A field of /proc/<pid>/status in MB (Linux). */
function statusMB(pid: number | 'self', field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // A process that has exited (a zombie) has no VmRSS any more.
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0; // gone meanwhile
  }
}

function memory(): { rssMB: number; peakRssMB: number } {
  return { rssMB: statusMB('self', 'VmRSS'), peakRssMB: statusMB('self', 'VmHWM') };
}

let buildPeakRssMB = 0;
setInterval(() => {
  const children = readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  const rss = children.reduce((n, pid) => n + statusMB(Number(pid), 'VmRSS'), 0);
  buildPeakRssMB = Math.max(buildPeakRssMB, rss);
}, 50).unref();

// No identity providers: the bench signs nobody in (the repository's identity.yaml needs secrets).
const identityFile = path.join(path.dirname(pluginsFile), 'identity.yaml');
writeFileSync(identityFile, 'tenants: {}\n');
const settings = loadSettings({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  METRICS_PORT: 'off',
  PLUGINS_CONFIG: pluginsFile,
  GRANTS_CONFIG: grantsFile,
  POLICY_WASM: path.resolve(process.env.POLICY_WASM ?? 'build/policy.wasm'),
  PLUGINS_ROOT: path.dirname(pluginsFile),
  IDENTITY_CONFIG: identityFile,
  // Never called: the bench asks only /healthz.
  UPSTREAM_URL: 'http://127.0.0.1:9',
  SESSION_KEYS: 'bench-session-key-0123456789abcdef0123456789',
  DEV_LOGIN: 'true',
  CONFIG_WATCH: 'true',
  RELOAD_DEBOUNCE_MS: '50',
  LOG_LEVEL: 'info',
});
const running = await startServer({ settings, logger: createLogger({ level: 'info', destination: '/dev/null' }), defaultMetrics: false });
const loop = monitorLoop();

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'mark') {
    loop.reset();
    buildPeakRssMB = 0;
    process.send!({ marked: true });
  } else if (message.cmd === 'stats') {
    const status = running.reloader.status();
    const engine = running.reloader.current().engine as Partial<Pick<WasmEngine, 'loadedShards' | 'shards'>>;
    const shards = { shardsLoaded: engine.loadedShards ?? Number.NaN, shards: engine.shards ?? Number.NaN };
    const stats: ScaleServerStats = { ...memory(), buildPeakRssMB, ...loop.read(), revision: status.revision.id, lastReloadOk: status.last.ok, ...shards };
    process.send!(stats);
  }
});
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);

/**
 * Bench child process: the real BFF (startServer) on a temp config with one plugin, with
 * decision logging `off`, or `http` to the given loopback decision-log service. Request logs go
 * to /dev/null as in bff-server.ts. Prints its port and metrics port on stdout.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadSettings, startServer } from '../../src/server/index.js';

const [mode, upstreamUrl, sinkUrl] = process.argv.slice(2);
if (!upstreamUrl || (mode !== 'off' && mode !== 'http') || (mode === 'http' && !sinkUrl)) throw new Error('usage: decision-log-server.ts off|http <upstream-url> [<sink-url>]');

const PLUGINS = `tenants:
  localhost:
    - id: bench
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/bench/1.0.0/index.esm.js }
      permissions:
        api:
          - { method: GET, path: "/api/bench/items/{id}" }
        sse: []
      rateLimit: { requestsPerSecond: 100000, burst: 100000 }
      contributions: { routes: [], widgets: [] }
upstreams: []
`;

const dir = await mkdtemp(path.join(tmpdir(), 'xp-bench-declog-'));
await writeFile(path.join(dir, 'plugins.yaml'), PLUGINS);
await writeFile(path.join(dir, 'grants.yaml'), 'tenants:\n  localhost:\n    roles: {}\n    users: {}\n');
await writeFile(path.join(dir, 'identity.yaml'), 'tenants: {}\n');
await mkdir(path.join(dir, 'plugins', 'bench', '1.0.0'), { recursive: true });
await writeFile(path.join(dir, 'plugins', 'bench', '1.0.0', 'index.esm.js'), 'export default { id: "bench" };\n');
const settings = loadSettings({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  METRICS_PORT: '0',
  PLUGINS_CONFIG: path.join(dir, 'plugins.yaml'),
  GRANTS_CONFIG: path.join(dir, 'grants.yaml'),
  POLICY_WASM: path.resolve(process.env.POLICY_WASM ?? 'build/policy.wasm'),
  PLUGINS_ROOT: path.join(dir, 'plugins'),
  UPSTREAM_URL: upstreamUrl,
  SESSION_KEYS: 'bench-session-key-0123456789abcdef0123456789',
  DEV_LOGIN: 'true',
  IDENTITY_CONFIG: path.join(dir, 'identity.yaml'),
  CONFIG_WATCH: 'false',
  LOG_LEVEL: 'info',
  // The defaults an operator gets, but for the destination.
  DECISION_LOG: mode,
  ...(sinkUrl ? { DECISION_LOG_URL: sinkUrl } : {}),
});
const logger = createLogger({ level: 'info', destination: '/dev/null' });
const running = await startServer({ settings, logger, defaultMetrics: false });
process.stdout.write(`${JSON.stringify({ port: (running.server.address() as AddressInfo).port, metricsPort: running.metricsPort })}\n`);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));

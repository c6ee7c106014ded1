/**
 * The config every BFF bench variant runs on: one tenant (`localhost`), one plugin (`bench`)
 * allowed `GET /api/bench/items/{id}`, written to a temp folder and read with the server's
 * own settings loader. The BFF child serves it; the (e) peer's `opa run --server` gets the
 * data document built from it the way the server builds its own (see opa-server.ts).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSettings, type ServerSettings } from '../../src/server/index.js';

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
      # High enough that the limiter runs on every call but never refuses one.
      rateLimit: { requestsPerSecond: 100000, burst: 100000 }
      contributions:
        routes:
          - { path: /bench, component: Bench, resource: plugin.route, action: view }
        widgets:
          - { slot: dashboard.main, component: BenchWidget, resource: plugin.widget, action: view }
upstreams: []
`;
const GRANTS = `tenants:
  localhost:
    roles:
      member:
        - { resource: plugin.route, action: view }
        - { resource: plugin.widget, action: view }
    users: {}
`;

/** Writes the bench config (and a 20 KB bundle) to a fresh temp folder; returns the server's settings for it (`env` added, e.g. REDIS_URL). */
export async function writeBenchSettings(upstreamUrl: string, env: Record<string, string> = {}): Promise<ServerSettings> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-bench-bff-'));
  await writeFile(path.join(dir, 'plugins.yaml'), PLUGINS);
  await writeFile(path.join(dir, 'grants.yaml'), GRANTS);
  await writeFile(path.join(dir, 'identity.yaml'), 'tenants: {}\n');
  await mkdir(path.join(dir, 'plugins', 'bench', '1.0.0'), { recursive: true });
  await writeFile(path.join(dir, 'plugins', 'bench', '1.0.0', 'index.esm.js'), `export default { id: "bench", padding: "${'x'.repeat(20_000)}" };\n`);
  return loadSettings({
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
    ...env,
  });
}

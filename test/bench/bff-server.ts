/**
 * Bench child process: `bff` starts the real BFF (startServer: reloader, Wasm engine, every
 * middleware, JSON request logs to /dev/null) on a temp config; `bff-signed` the same with the
 * session layer as it was before server-side sessions (signed cookie); `bare` starts a Koa app that
 * only forwards to the same upstream with the same forwarding code (no session, policy, rate
 * limit, security headers or logs); `hygiene` is `bare` plus the BFF's own request log,
 * metrics, error mapping, security headers and request-target check, but still no session,
 * policy or rate limit (a diagnostic: what enforcement itself costs). Prints its port on stdout.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { createReloader } from '../../src/snapshots/index.js';
import { createAgents, createLogger, createMetrics, forwardRequest, loadSettings, startServer, type ServerSettings } from '../../src/server/index.js';
import { createErrorHandler } from '../../src/server/middleware/errors/index.js';
import { createRequestLog } from '../../src/server/middleware/request-log/index.js';
import { createSecurityHeaders } from '../../src/server/middleware/security-headers/index.js';
import { createRequestTarget } from '../../src/server/request-target.js';
import { createSignedCookieSessions } from './signed-cookie-sessions.js';

// A third argument (bff only): the Redis URL, for sessions and rate limits in Redis (bff-redis.ts).
const [mode, upstreamUrl, redisUrl] = process.argv.slice(2);
if (!upstreamUrl || (mode !== 'bff' && mode !== 'bff-signed' && mode !== 'bare' && mode !== 'hygiene')) throw new Error('usage: bff-server.ts bff|bff-signed|bare|hygiene <upstream-url>');

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

function announce(server: http.Server): void {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

async function writeConfig(): Promise<ServerSettings> {
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
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
}

// Logs are written (one line per request, as in production), to /dev/null.
const logger = createLogger({ level: 'info', destination: '/dev/null' });

if (mode === 'bare' || mode === 'hygiene') {
  const agents = createAgents();
  const target = new URL(upstreamUrl);
  const app = new Koa();
  // autocannon closes its connections mid-exchange at the end of a run: not worth a stack trace.
  app.silent = true;
  if (mode === 'hygiene') {
    const settings = await writeConfig();
    const source = await createReloader({
      pluginsFile: settings.pluginsConfig,
      grantsFile: settings.grantsConfig,
      policyFile: settings.policyWasm,
      mode: 'test',
      hostVersion: '1.4.0',
    });
    const metrics = createMetrics(source, { defaultMetrics: false });
    app.use(createRequestLog({ logger, metrics }));
    app.use(createErrorHandler({ logger }));
    app.use(createSecurityHeaders({ production: false }));
    app.use(createRequestTarget());
  }
  app.use((ctx) => forwardRequest(ctx, target, {}, new Set(), agents, { timeoutMs: 10_000, maxBodyBytes: 1024 * 1024 }));
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => announce(server));
} else {
  const settings = await writeConfig();
  // bff-signed: the same BFF with the session layer as it was (a signed cookie), the baseline of the server-side store.
  const sessions = mode === 'bff-signed' ? createSignedCookieSessions({ cookie: settings.sessionCookie, maxAgeSeconds: settings.sessionMaxAgeSeconds }) : undefined;
  const running = await startServer({ settings, logger, defaultMetrics: false, ...(sessions ? { sessions } : {}) });
  announce(running.server);
}
process.on('SIGTERM', () => process.exit(0));

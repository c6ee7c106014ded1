/**
 * Focused micro-benchmark of the plugin-call guard (no network): the real steps (snapshot,
 * tenant, signed cookie session, fetch destination, Wasm api decision with its cache, rate
 * limit) through the one runner, on a fresh Koa context per pass, for an allowed call. Reports
 * CPU time per pass (user + system), which other processes disturb far less than wall time, so
 * it can be compared on a busy machine where `bff.bench.ts` cannot. Timings are reported, never
 * asserted.
 *
 * Run: npx tsx test/bench/guard.bench.ts   (after `make policy`)
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { createReloader } from '../../src/snapshots/index.js';
import { createMetrics, MemoryRateLimiter } from '../../src/server/index.js';
import { pluginGuardStep } from '../../src/server/middleware/plugin-guard/index.js';
import { rateLimitStep } from '../../src/server/middleware/rate-limit/index.js';
import { createSessions } from '../../src/server/middleware/session/index.js';
import { MemorySessionStore } from '../../src/server/sessions/memory-store.js';
import { snapshotStep } from '../../src/server/middleware/snapshot/index.js';
import { tenantStep } from '../../src/server/middleware/tenant/index.js';
import { guarded } from '../../src/server/pipeline/index.js';
import { fetchDestinationStep } from '../../src/server/proxy/fetch-destination.js';
import type { BffContext, BffState } from '../../src/server/state.js';

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
      rateLimit: { requestsPerSecond: 100000, burst: 1000000 }
upstreams: []
`;

const dir = await mkdtemp(path.join(tmpdir(), 'xp-guard-bench-'));
await writeFile(path.join(dir, 'plugins.yaml'), PLUGINS);
await writeFile(path.join(dir, 'grants.yaml'), 'tenants:\n  localhost:\n    roles: {}\n    users: {}\n');
await mkdir(path.join(dir, 'plugins', 'bench', '1.0.0'), { recursive: true });
await writeFile(path.join(dir, 'plugins', 'bench', '1.0.0', 'index.esm.js'), 'export default {};\n');
const source = await createReloader({
  pluginsFile: path.join(dir, 'plugins.yaml'),
  grantsFile: path.join(dir, 'grants.yaml'),
  policyFile: path.resolve(process.env.POLICY_WASM ?? 'build/policy.wasm'),
  mode: 'test',
  hostVersion: '1.4.0',
});
const metrics = createMetrics(source, { defaultMetrics: false });
const sessions = createSessions({ store: new MemorySessionStore({ max: 1000 }), cookie: 'xp_session', maxAgeSeconds: 3600, idleSeconds: 3600, secure: false });
const app = new Koa<BffState>({ keys: ['bench-session-key-0123456789abcdef'] });
const socket = new Socket();

function context(headers: Record<string, string>): BffContext {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/api/bench/items/42';
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flat();
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  const ctx = app.createContext(req, new ServerResponse(req)) as BffContext;
  ctx.state.log = {};
  return ctx;
}

const signing = context({ host: 'localhost' });
signing.state.tenant = 'localhost';
await sessions.issue(signing, { user: 'bench', roles: ['member'] });
const cookie = ([] as string[]).concat(signing.res.getHeader('set-cookie') as string[]).map((c) => c.split(';')[0]).join('; ');
const headers = { host: 'localhost', cookie, 'x-plugin-id': 'bench' };

const route = guarded(
  [snapshotStep(source), tenantStep({ trustProxy: false }), sessions.read, sessions.require, fetchDestinationStep, pluginGuardStep({ metrics }),
    rateLimitStep({ limiter: new MemoryRateLimiter(), defaults: { requestsPerSecond: 10, burst: 10 }, metrics })],
  () => undefined,
);
const next = () => Promise.resolve();

const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

async function round(n: number, guard: boolean): Promise<number> {
  const t0 = cpuNs();
  for (let i = 0; i < n; i++) {
    const ctx = context(headers);
    await (guard ? route(ctx, next) : undefined);
  }
  return (cpuNs() - t0) / n;
}

await round(50_000, true);
const guardNs: number[] = [];
const contextNs: number[] = [];
for (let r = 0; r < 7; r++) {
  guardNs.push(await round(100_000, true));
  contextNs.push(await round(100_000, false));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
console.log(`plugin-call guard, allowed call: ${(median(guardNs) - median(contextNs)).toFixed(0)} ns CPU per pass (median of 7 rounds of 100k; a fresh Koa context alone: ${median(contextNs).toFixed(0)} ns)`);
process.exit(0);

/**
 * Bench child process: `bff` starts the real BFF (startServer: reloader, Wasm engine, every
 * middleware, JSON request logs to /dev/null) on a temp config; `bff-signed` the same with the
 * session layer as it was before server-side sessions (a signed cookie); `bare` starts a Koa app that
 * only forwards to the same upstream with the same forwarding code (no session, policy, rate
 * limit, security headers or logs); `hygiene` is `bare` behind everything the BFF runs before
 * its routes (createFront: request log and metrics, unread-body rule, error mapping, security
 * headers, request-target and Host checks, CSRF guard), on an HTTP server made as startServer
 * makes it (its options, the drain's request tracking), forwarding with the request id and
 * X-Forwarded-For the plugin-call route attaches; but no session, policy, rate limit or
 * identity headers (what enforcement itself costs); `opa` is `bare` asking an
 * `opa run --server` (its URL the third argument) for the decision on every request, with
 * the input the BFF's plugin guard builds: the way OPA is wired without this project. `bff`
 * with a Redis URL as its third argument keeps sessions and rate limits there (bff-redis.ts).
 * Prints its port on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import { writeBenchSettings } from './bench-config.js';
import { postJson } from './opa-server.js';
import { createSignedCookieSessions } from './signed-cookie-sessions.js';

// The compiled dist/ (what production runs), the sources with BENCH_CODE=src (tsx's transform
// wraps every function created at run time in a naming helper: a cost per closure per
// request the compiled server does not have), or BENCH_CODE=<path> another build's dist/ (A/B).
const code = process.env.BENCH_CODE ?? 'dist';
const root = code === 'src' ? new URL('../../src/', import.meta.url) : code === 'dist' ? new URL('../../dist/', import.meta.url) : pathToFileURL(`${path.resolve(code)}/`);
const load = <T>(module: string): Promise<T> => import(new URL(module, root).href) as Promise<T>;
const { createReloader } = await load<typeof import('../../src/snapshots/index.js')>('snapshots/index.js');
const { createAgents, createLogger, createMetrics, forwardRequest, startServer } = await load<typeof import('../../src/server/index.js')>('server/index.js');
const { createFront } = await load<typeof import('../../src/server/front.js')>('server/front.js');
const { createHttpDrain } = await load<typeof import('../../src/server/drain/index.js')>('server/drain/index.js');
const { rawPath } = await load<typeof import('../../src/server/request-target.js')>('server/request-target.js');
// The baseline session layer throws the served build's own error classes (the error handler tells them apart by class).
const errors = await load<typeof import('../../src/server/errors.js')>('server/errors.js');
const { MemorySessionStore } = await load<typeof import('../../src/server/sessions/memory-store.js')>('server/sessions/memory-store.js');

// The third argument: for opa the OPA server's URL; for bff (optional) the Redis URL, for sessions and rate limits in Redis (bff-redis.ts).
const [mode, upstreamUrl, third] = process.argv.slice(2);
const opaUrl = mode === 'opa' ? third : undefined;
const redisUrl = mode === 'bff' ? third : undefined;
const modes = ['bff', 'bff-signed', 'bare', 'hygiene', 'opa'];
if (!upstreamUrl || !mode || !modes.includes(mode) || (mode === 'opa' && !opaUrl)) {
  throw new Error('usage: bff-server.ts bff [<redis-url>] | bff-signed|bare|hygiene <upstream-url> | opa <upstream-url> <opa-url>');
}

function announce(server: http.Server): void {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

// Logs are written (one line per request, as in production), to /dev/null.
const logger = createLogger({ level: 'info', destination: '/dev/null' });

if (mode !== 'bff' && mode !== 'bff-signed') {
  const agents = createAgents();
  const target = new URL(upstreamUrl);
  const app = new Koa();
  // autocannon closes its connections mid-exchange at the end of a run: not worth a stack trace.
  app.silent = true;
  if (mode === 'hygiene') {
    const settings = await writeBenchSettings(upstreamUrl);
    const source = await createReloader({
      pluginsFile: settings.pluginsConfig,
      grantsFile: settings.grantsConfig,
      policyFile: settings.policyWasm,
      mode: 'test',
      hostVersion: '1.4.0',
    });
    const metrics = createMetrics(source, { defaultMetrics: false });
    for (const middleware of createFront({ settings, logger, metrics })) app.use(middleware);
  }
  if (mode === 'opa') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const endpoint = `${opaUrl}/v1/data/experience/api/decision`;
    app.use(async (ctx, next) => {
      const header = ctx.req.headers['x-plugin-id'];
      const input = { tenant: ctx.hostname, plugin_id: (Array.isArray(header) ? header.join(',') : header) || null, method: ctx.method, path: rawPath(ctx) };
      const answer = JSON.parse(await postJson(agent, endpoint, JSON.stringify({ input }))) as { result?: { allow?: boolean } };
      if (answer.result?.allow !== true) {
        ctx.status = 403;
        ctx.body = { code: 'allowlist_violation' };
        return;
      }
      await next();
    });
  }
  const options = { timeoutMs: 10_000, maxBodyBytes: 1024 * 1024 };
  app.use(
    mode === 'hygiene'
      ? (ctx) => forwardRequest(ctx, target, { 'x-request-id': ctx.state.requestId, 'x-forwarded-for': ctx.req.socket.remoteAddress ?? '' }, ctx.state.baseHeaders ?? new Set(), agents, options)
      : (ctx) => forwardRequest(ctx, target, {}, new Set(), agents, options),
  );
  // hygiene: the server as startServer makes it (options, drain tracking before the app's listener).
  const server = mode === 'hygiene' ? http.createServer({ requestTimeout: 0, headersTimeout: 30_000, requireHostHeader: false }) : http.createServer();
  if (mode === 'hygiene') createHttpDrain(server);
  server.on('request', app.callback());
  server.keepAliveTimeout = mode === 'hygiene' ? 65_000 : 60_000;
  server.listen(0, '127.0.0.1', () => announce(server));
} else {
  const settings = await writeBenchSettings(upstreamUrl, redisUrl ? { REDIS_URL: redisUrl } : {});
  // bff-signed: the same BFF with the session layer as it was (a signed cookie), the baseline of the server-side store.
  const sessions =
    mode === 'bff-signed'
      ? createSignedCookieSessions({ cookie: settings.sessionCookie, maxAgeSeconds: settings.sessionMaxAgeSeconds }, { ...errors, MemorySessionStore })
      : undefined;
  const running = await startServer({ settings, logger, defaultMetrics: false, ...(sessions ? { sessions } : {}) });
  announce(running.server);
}
process.on('SIGTERM', () => process.exit(0));

/**
 * `make bench`, BFF part: requests per second and p50/p99 latency, with autocannon, against
 * one loopback upstream, of (a) the full BFF path for an allowed plugin call (server-side
 * session store), (a') the same with the session layer as it was (signed cookie), (b) a bare Koa
 * proxy to the same upstream, (b') the same with the BFF's logging, metrics and headers (a
 * diagnostic), (c) `GET /api/plugins/manifests` and a 304 bundle fetch.
 * Servers run in child processes so the load generator does not share their event loop.
 * Prints a table and saves bench/results/bff.json. Timings are reported, never asserted.
 *
 * Run: npx tsx test/bench/bff.bench.ts   (BENCH_DURATION=seconds, BENCH_CONNECTIONS=n)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { printGoals, printTable, saveJson, type Measurement } from './report.js';
import { measureRedisVariant } from './bff-redis.js';
import { measureSessionLookup } from './session-lookup.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Child {
  process: ChildProcess;
  port: number;
}

function startChild(script: string, args: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ process: child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function stop(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

/** CPU time (user + system) a process has used so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
}

interface Run {
  measurement: Measurement;
  /** Server CPU per request (µs): what the path costs, independent of the load generator sharing the cores. */
  serverCpuUsPerRequest: number;
  statuses: Record<string, number>;
  errors: number;
}

async function load(name: string, server: Child, path: string, headers: Record<string, string>, expected: number): Promise<Run> {
  const options = { url: `http://127.0.0.1:${server.port}${path}`, connections: CONNECTIONS, headers: { host: 'localhost', ...headers } };
  await autocannon({ ...options, duration: WARMUP });
  const cpuBefore = cpuMicros(server.process.pid!);
  const result = await autocannon({ ...options, duration: DURATION });
  const cpu = cpuMicros(server.process.pid!) - cpuBefore;
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  const wrong = Object.entries(statuses).filter(([code]) => Number(code) !== expected).reduce((n, [, c]) => n + c, 0);
  if (wrong > 0 || result.errors > 0) console.warn(`${name}: ${wrong} responses other than ${expected}, ${result.errors} errors`, statuses);
  return {
    measurement: {
      name,
      ops: result.requests.total,
      opsPerSec: result.requests.average,
      p50us: result.latency.p50 * 1000,
      p99us: result.latency.p99 * 1000,
    },
    serverCpuUsPerRequest: cpu / Math.max(1, result.requests.total),
    statuses,
    errors: result.errors,
  };
}

/** Signs in with the development login; fetch cannot set Host, so through the origin the tenant is named after. */
async function devLogin(port: number): Promise<string> {
  const login = await fetch(`http://localhost:${port}/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' },
    body: JSON.stringify({ user: 'bench', roles: ['member'] }),
  });
  if (login.status !== 204) throw new Error(`login answered ${login.status}`);
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function main(): Promise<void> {
  const upstream = await startChild('test/bench/bff-upstream.ts');
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const runs: Record<string, Run> = {};
  let replicas: Awaited<ReturnType<typeof measureRedisVariant<Child, Run>>> | undefined;
  try {
    const bare = await startChild('test/bench/bff-server.ts', ['bare', upstreamUrl]);
    runs.bare = await load('(b) bare Koa proxy', bare, '/api/bench/items/42', {}, 200);
    await stop(bare);

    const hygiene = await startChild('test/bench/bff-server.ts', ['hygiene', upstreamUrl]);
    runs.hygiene = await load("(b') (b) + BFF logs, metrics, headers", hygiene, '/api/bench/items/42', {}, 200);
    await stop(hygiene);

    // The same plugin-call path with the session layer as it was (signed cookie): the baseline of the store.
    const signed = await startChild('test/bench/bff-server.ts', ['bff-signed', upstreamUrl]);
    const signedCookie = await devLogin(signed.port);
    runs.signedCookie = await load("(a') BFF: allowed plugin call, signed-cookie session (before)", signed, '/api/bench/items/42', { cookie: signedCookie, 'x-plugin-id': 'bench' }, 200);
    await stop(signed);

    const bff = await startChild('test/bench/bff-server.ts', ['bff', upstreamUrl]);
    const cookie = await devLogin(bff.port);
    const bundlePath = '/api/plugins/bundle?entry=bench%401.0.0&id=bench';
    const first = await fetch(`http://localhost:${bff.port}${bundlePath}`, { headers: { cookie } });
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !etag) throw new Error(`bundle answered ${first.status}`);

    runs.full = await load('(a) BFF: allowed plugin call, server-side session store', bff, '/api/bench/items/42', { cookie, 'x-plugin-id': 'bench' }, 200);
    runs.manifests = await load('(c) BFF: GET /api/plugins/manifests', bff, '/api/plugins/manifests', { cookie }, 200);
    runs.bundle304 = await load('(c) BFF: bundle, 304', bff, bundlePath, { cookie, 'if-none-match': etag }, 304);
    await stop(bff);

    replicas = await measureRedisVariant({ startChild, stop, load, devLogin, upstreamUrl });
  } finally {
    await stop(upstream);
  }

  const rows = [runs.full!, runs.signedCookie!, runs.bare!, runs.hygiene!, runs.manifests!, runs.bundle304!].map((r) => r.measurement);
  printTable(`BFF over loopback (${CONNECTIONS} connections, ${DURATION} s each after ${WARMUP} s warm-up)`, rows);
  const ratio = runs.full!.measurement.opsPerSec / runs.bare!.measurement.opsPerSec;
  const enforcement = runs.full!.measurement.opsPerSec / runs.hygiene!.measurement.opsPerSec;
  const goals = [{ goal: '(a) full BFF path >= 85% of (b) bare proxy throughput', value: `${(ratio * 100).toFixed(1)}%`, met: ratio >= 0.85 }];
  const store = runs.full!.serverCpuUsPerRequest - runs.signedCookie!.serverCpuUsPerRequest;
  const lookup = await measureSessionLookup();
  console.log(`\ndiagnostic: (a) / (b') = ${(enforcement * 100).toFixed(1)}% (what session, policy and rate limit cost on top of the BFF's logging, metrics and headers)`);
  console.log(`session store: (a) / (a') = ${((runs.full!.measurement.opsPerSec / runs.signedCookie!.measurement.opsPerSec) * 100).toFixed(1)}% throughput, ${store >= 0 ? '+' : ''}${store.toFixed(1)} µs server CPU per request`);
  console.log(`session lookup alone (in-process, best of 3): server-side store ${lookup.storeUs.toFixed(2)} µs, signed cookie ${lookup.signedCookieUs.toFixed(2)} µs`);
  console.log('\nserver CPU per request (µs):');
  for (const run of [runs.full!, runs.signedCookie!, runs.bare!, runs.hygiene!, runs.manifests!, runs.bundle304!]) console.log(`  ${run.measurement.name}: ${run.serverCpuUsPerRequest.toFixed(0)}`);
  if (replicas) {
    printTable('Replicas: sessions and rate limiter in Redis (local redis-server) vs in process, best of alternating rounds', [replicas.inProcess.measurement, replicas.redis.measurement]);
    console.log(`server CPU per request (µs): in process ${replicas.inProcess.serverCpuUsPerRequest.toFixed(0)}, Redis ${replicas.redis.serverCpuUsPerRequest.toFixed(0)} (+ redis-server ${replicas.redisServerCpuUsPerRequest.toFixed(0)}, warm-up included); Redis commands per call ${replicas.redisCommandsPerCall.toFixed(2)}`);
    const l = replicas.limiterCpuUs;
    console.log(`rate limiter alone (client CPU µs per decision, 32 at once): in process ${l.memory.toFixed(1)}, Redis with leases ${l.redisLeased.toFixed(1)}, Redis every call (a plugin below 50/s) ${l.redisEveryCall.toFixed(1)}`);
    console.log(`session lookup alone (CPU µs per lookup, 32 at once, Koa context included): in process ${replicas.sessionCpuUs.memory.toFixed(1)}, Redis ${replicas.sessionCpuUs.redis.toFixed(1)}`);
    goals.push(replicas.goal);
  }
  printGoals(goals);
  await saveJson('bench/results/bff.json', {
    settings: { durationSeconds: DURATION, warmupSeconds: WARMUP, connections: CONNECTIONS },
    results: Object.fromEntries(Object.entries(runs).map(([key, run]) => [key, { ...run.measurement, serverCpuUsPerRequest: run.serverCpuUsPerRequest, statuses: run.statuses, errors: run.errors }])),
    ratioFullToBare: ratio,
    ratioFullToHygiene: enforcement,
    ratioStoreToSignedCookie: runs.full!.measurement.opsPerSec / runs.signedCookie!.measurement.opsPerSec,
    sessionLookupUs: lookup,
    ...(replicas
      ? { replicas: { inProcess: replicas.inProcess, redis: replicas.redis, ratio: replicas.ratio, redisServerCpuUsPerRequest: replicas.redisServerCpuUsPerRequest, redisCommandsPerCall: replicas.redisCommandsPerCall, limiterCpuUs: replicas.limiterCpuUs, sessionCpuUs: replicas.sessionCpuUs } }
      : {}),
    goals,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

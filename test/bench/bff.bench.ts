/**
 * `make bench`, BFF part: requests per second, p50/p99 latency and server CPU per request,
 * with autocannon over loopback, all against the same upstream, of
 *  (a)  the full BFF path for an allowed plugin call (server-side session store);
 *  (a') the same with the session layer as it was before the store (a signed cookie);
 *  (b)  a bare Koa proxy with the same forwarding code;
 *  (b') (b) behind everything the BFF runs before its routes (createFront: request log,
 *       metrics, error mapping, security headers, request-target and Host checks, CSRF guard),
 *       on a server made as startServer makes it, forwarding the request id and X-Forwarded-For;
 *  (e)  (b) asking `opa run --server` over loopback for every request, with the input the
 *       BFF builds (the peer: how OPA is wired without this project);
 *  (c)  `GET /api/plugins/manifests` and a bundle fetch answered 304;
 *  (r)  (a) with sessions and the rate limiter in a local redis-server, against (a) in
 *       process, in bff-redis.ts's own alternating rounds (BENCH_REDIS_ROUNDS).
 * Servers run in child processes so the load generator does not share their event loop. On a
 * shared machine one slow moment would skew one row, so every variant is measured in each of
 * BENCH_ROUNDS rounds (the order rotating), each ratio is taken per round, and the table shows
 * medians with the range. A process of the same build can also settle at a different cost for
 * its whole life (on this machine one BFF process came out at 106, 125 and 197 µs of CPU per
 * request, a bare proxy at 66 and 125): so the servers are started BENCH_SETS times (default 2),
 * one set after the other (as many processes alive at a time as with one set), each set measured
 * in its own rounds; the table is over every set's rounds, and the CPU per request of each set
 * is printed, so such a process shows. Prints tables, saves bench/results/bff.json. Timings are
 * reported, never asserted.
 *
 * The servers run the compiled dist/, as production does (`make bench` builds it first).
 *
 * Run: make server && npx tsx test/bench/bff.bench.ts
 *   BENCH_DURATION=seconds per round, BENCH_WARMUP=seconds, BENCH_ROUNDS=n (per set), BENCH_SETS=n, BENCH_CONNECTIONS=n,
 *   BENCH_PROFILE=dir (a V8 CPU profile per server in dir/<variant>/: read with cpu-profile.ts),
 *   BENCH_CODE=src (the TypeScript sources through tsx) or =<dir> (another build's dist/, for an A/B)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { dataDocumentJson, loadConfigFiles } from '../../src/config/index.js';
import { writeBenchSettings } from './bench-config.js';
import { cpuMicros, devLogin } from './bench-process.js';
import { measureRedisVariant } from './bff-redis.js';
import { startOpaServer, type OpaServer } from './opa-server.js';
import { printCells, printGoals, printTable, saveJson, type Goal, type Measurement } from './report.js';
import { measureSessionLookup } from './session-lookup.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const SETS = Math.max(1, Number(process.env.BENCH_SETS ?? 2));

interface Child {
  process: ChildProcess;
  port: number;
}

function startChild(label: string, script: string, args: string[] = []): Promise<Child> {
  // One profile per thread (tsx's loader runs in a second one): the largest file is the server's.
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${label}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${label} did not start`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ process: child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
}

function stop(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

interface Variant {
  key: 'full' | 'signedCookie' | 'bare' | 'hygiene' | 'opa' | 'manifests' | 'bundle304';
  name: string;
  server: Child;
  /** Processes whose CPU counts as this variant's server (the proxy; for (e) also OPA). */
  pids: number[];
  path: string;
  headers: Record<string, string>;
  expected: number;
}

interface Round {
  opsPerSec: number;
  requests: number;
  p50ms: number;
  p99ms: number;
  /** Server CPU per request (µs): what the path costs, whoever else shares the cores. */
  serverCpuUsPerRequest: number;
  /** The same per process, in the order of Variant.pids. */
  cpuUsPerRequestByProcess: number[];
  statuses: Record<string, number>;
  errors: number;
}

async function load(variant: Variant, seconds: number): Promise<Round> {
  const options = {
    url: `http://127.0.0.1:${variant.server.port}${variant.path}`,
    connections: CONNECTIONS,
    headers: { host: 'localhost', ...variant.headers },
    duration: seconds,
  };
  const cpuBefore = variant.pids.map(cpuMicros);
  const result = await autocannon(options);
  const requests = Math.max(1, result.requests.total);
  const byProcess = variant.pids.map((pid, i) => (cpuMicros(pid) - cpuBefore[i]!) / requests);
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  const wrong = Object.entries(statuses).filter(([code]) => Number(code) !== variant.expected).reduce((n, [, c]) => n + c, 0);
  if (wrong > 0 || result.errors > 0) console.warn(`${variant.name}: ${wrong} responses other than ${variant.expected}, ${result.errors} errors`, statuses);
  return {
    opsPerSec: result.requests.average,
    requests: result.requests.total,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    serverCpuUsPerRequest: byProcess.reduce((a, b) => a + b, 0),
    cpuUsPerRequestByProcess: byProcess,
    statuses,
    errors: result.errors,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function printRows(title: string, variants: Variant[], rounds: Map<string, Round[]>): void {
  const header = ['variant', 'req/s', 'range', 'p50 ms', 'p99 ms', 'server CPU µs/req'];
  const body = variants.map((v) => {
    const r = rounds.get(v.key)!;
    const ops = r.map((x) => x.opsPerSec);
    return [
      v.name,
      int(median(ops)),
      `${int(Math.min(...ops))}–${int(Math.max(...ops))}`,
      String(median(r.map((x) => x.p50ms))),
      String(median(r.map((x) => x.p99ms))),
      int(median(r.map((x) => x.serverCpuUsPerRequest))),
    ];
  });
  printCells(title, header, body);
}

/** A run of the replicas' variant, in the shape bff-redis.ts reports. */
interface ReplicaRun {
  measurement: Measurement;
  serverCpuUsPerRequest: number;
}

interface Ratio {
  name: string;
  median: number;
  min: number;
  max: number;
  perRound: number[];
}

function ratio(name: string, rounds: Map<string, Round[]>, top: string, bottom: string): Ratio {
  const a = rounds.get(top)!;
  const b = rounds.get(bottom)!;
  const perRound = a.map((r, i) => r.opsPerSec / b[i]!.opsPerSec);
  return { name, median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound };
}

async function main(): Promise<void> {
  const code = process.env.BENCH_CODE ?? 'dist';
  if (code !== 'src' && !existsSync(`${code}/server/index.js`)) throw new Error(`${code}/server/index.js is missing: run \`make server\` first (or BENCH_CODE=src)`);
  const children: Child[] = [];
  let opa: OpaServer | undefined;
  try {
    const upstream = await startChild('upstream', 'test/bench/bff-upstream.ts');
    children.push(upstream);
    const upstreamUrl = `http://127.0.0.1:${upstream.port}`;

    // The peer's OPA gets the data document the BFF's engine gets: the same config, loaded
    // with the options start.ts passes, wrapped as the reloader wraps it.
    const settings = await writeBenchSettings(upstreamUrl);
    const loaded = await loadConfigFiles({
      pluginsFile: settings.pluginsConfig,
      grantsFile: settings.grantsConfig,
      mode: settings.mode,
      hostVersion: settings.hostVersion,
      bundleMount: settings.pluginsMount,
    });
    opa = await startOpaServer(dataDocumentJson(loaded.registry));

    const start = async (label: string, args: string[]) => {
      const child = await startChild(label, 'test/bench/bff-server.ts', args);
      children.push(child);
      return child;
    };
    let variants: Variant[] = [];
    const rounds = new Map<string, Round[]>();
    const served = new Map<string, number>();
    /** Each set's median CPU per request by variant. */
    const setCpu: Array<Map<string, number>> = [];
    const pid = (c: Child) => c.process.pid!;
    for (let set = 0; set < SETS; set++) {
      // One process per row, so that a profile is of one path only; a fresh set of them per set.
      const label = (name: string) => (SETS > 1 ? `${name}-${set + 1}` : name);
      const [bare, hygiene, peer, full, signed, routes] = await Promise.all([
        start(label('bare'), ['bare', upstreamUrl]),
        start(label('hygiene'), ['hygiene', upstreamUrl]),
        start(label('opa-peer'), ['opa', upstreamUrl, opa.url]),
        start(label('bff-call'), ['bff', upstreamUrl]),
        start(label('bff-signed'), ['bff-signed', upstreamUrl]),
        start(label('bff-routes'), ['bff', upstreamUrl]),
      ]);

      const [callCookie, signedCookie, routesCookie] = await Promise.all([devLogin(full.port), devLogin(signed.port), devLogin(routes.port)]);
      const bundlePath = '/api/plugins/bundle?entry=bench%401.0.0&id=bench';
      const first = await fetch(`http://localhost:${routes.port}${bundlePath}`, { headers: { cookie: routesCookie } });
      const etag = first.headers.get('etag');
      if (first.status !== 200 || !etag) throw new Error(`bundle answered ${first.status}`);

      const call = '/api/bench/items/42';
      variants = [
        { key: 'full', name: '(a) BFF: allowed plugin call, server-side session store', server: full, pids: [pid(full)], path: call, headers: { cookie: callCookie, 'x-plugin-id': 'bench' }, expected: 200 },
        { key: 'signedCookie', name: "(a') BFF: allowed plugin call, signed-cookie session (before)", server: signed, pids: [pid(signed)], path: call, headers: { cookie: signedCookie, 'x-plugin-id': 'bench' }, expected: 200 },
        { key: 'bare', name: '(b) bare Koa proxy', server: bare, pids: [pid(bare)], path: call, headers: {}, expected: 200 },
        { key: 'hygiene', name: "(b') (b) + the BFF's front (logs, metrics, headers, checks)", server: hygiene, pids: [pid(hygiene)], path: call, headers: {}, expected: 200 },
        { key: 'opa', name: '(e) (b) + opa run --server per request', server: peer, pids: [pid(peer), opa.pid], path: call, headers: { 'x-plugin-id': 'bench' }, expected: 200 },
        { key: 'manifests', name: '(c) BFF: GET /api/plugins/manifests', server: routes, pids: [pid(routes)], path: '/api/plugins/manifests', headers: { cookie: routesCookie }, expected: 200 },
        { key: 'bundle304', name: '(c) BFF: bundle, 304', server: routes, pids: [pid(routes)], path: bundlePath, headers: { cookie: routesCookie, 'if-none-match': etag }, expected: 304 },
      ];

      for (const v of variants) served.set(v.key, (served.get(v.key) ?? 0) + (await load(v, WARMUP)).requests);
      const inSet = new Map<string, Round[]>(variants.map((v) => [v.key, []]));
      for (let r = 0; r < ROUNDS; r++) {
        // Rotate the order: no variant always runs right after the same neighbour.
        const order = variants.map((_, i) => variants[(i + set * ROUNDS + r) % variants.length]!);
        for (const v of order) {
          const run = await load(v, DURATION);
          inSet.get(v.key)!.push(run);
          served.set(v.key, served.get(v.key)! + run.requests);
        }
      }
      for (const [key, runs] of inSet) rounds.set(key, [...(rounds.get(key) ?? []), ...runs]);
      setCpu.push(new Map([...inSet].map(([key, runs]) => [key, median(runs.map((x) => x.serverCpuUsPerRequest))])));
      // As many processes alive at a time as with one set: the next set starts on a machine like this one's.
      await Promise.all([bare, hygiene, peer, full, signed, routes].map(stop));
    }

    printRows(
      `BFF over loopback (servers run ${code}; ${CONNECTIONS} connections; ${SETS} sets of servers, one after the other, ${ROUNDS} rounds of ${DURATION} s each after ${WARMUP} s warm-up; medians over all rounds, req/s range)`,
      variants,
      rounds,
    );
    if (SETS > 1) {
      // A set's processes can differ from the next set's for their whole life: the reason for the sets.
      console.log(`\nserver CPU µs/req of each set (median of its rounds): ${variants.map((v) => `${v.key} ${setCpu.map((m) => int(m.get(v.key)!)).join(' / ')}`).join('; ')}`);
    }
    const peerCpu = (i: number) => int(median(rounds.get('opa')!.map((x) => x.cpuUsPerRequestByProcess[i]!)));
    console.log(`\n(e) server CPU µs/req: Koa proxy ${peerCpu(0)} + opa run --server ${peerCpu(1)}`);
    const ratios = {
      fullToHygiene: ratio("(a) / (b')", rounds, 'full', 'hygiene'),
      fullToBare: ratio('(a) / (b)', rounds, 'full', 'bare'),
      fullToOpa: ratio('(a) / (e)', rounds, 'full', 'opa'),
      fullToSignedCookie: ratio("(a) / (a')", rounds, 'full', 'signedCookie'),
      // The ceilings the goals put on (a), read in the same rounds: (a) runs the front (b') runs,
      // on the proxy (b) is, so it can pass neither (b') nor (b).
      hygieneToBare: ratio("(b') / (b)", rounds, 'hygiene', 'bare'),
      bareToOpa: ratio('(b) / (e)', rounds, 'bare', 'opa'),
    };
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const times = (x: number) => `${x.toFixed(1)}x`;
    const spread = (r: Ratio, f: (x: number) => string) => `${f(r.median)} (rounds: ${r.perRound.map(f).join(', ')})`;
    const goals: Goal[] = [
      { goal: "(a) >= 90 % of (b') throughput", value: spread(ratios.fullToHygiene, pct), met: ratios.fullToHygiene.median >= 0.9 },
      {
        goal: '(a) >= 75 % of (b) throughput',
        value: `${spread(ratios.fullToBare, pct)}; the front alone, (b') / (b): ${spread(ratios.hygieneToBare, pct)}`,
        met: ratios.fullToBare.median >= 0.75,
      },
      {
        goal: '(a) >= 5x (e) throughput',
        value: `${spread(ratios.fullToOpa, times)}; the bare proxy itself, (b) / (e): ${spread(ratios.bareToOpa, times)}`,
        met: ratios.fullToOpa.median >= 5,
      },
    ];
    const cpu = (key: string) => median(rounds.get(key)!.map((x) => x.serverCpuUsPerRequest));
    const store = cpu('full') - cpu('signedCookie');
    const lookup = await measureSessionLookup();
    console.log(`session store: (a) / (a') = ${spread(ratios.fullToSignedCookie, pct)} throughput, ${store >= 0 ? '+' : ''}${store.toFixed(1)} µs server CPU per request`);
    console.log(`session lookup alone (in-process, best of 3): server-side store ${lookup.storeUs.toFixed(2)} µs, signed cookie ${lookup.signedCookieUs.toFixed(2)} µs`);

    // The replicas' variant (bff-redis.ts): its own servers and rounds, against the same upstream.
    const replicas = await measureRedisVariant<Child, ReplicaRun>({
      startChild: async (script, args) => start(args[2] ? 'bff-redis' : 'bff-in-process', args),
      stop,
      load: async (name, server, path, headers, expected) => {
        const variant: Variant = { key: 'full', name, server, pids: [pid(server)], path, headers, expected };
        await load(variant, WARMUP);
        const run = await load(variant, DURATION);
        const measurement: Measurement = { name, ops: run.requests, opsPerSec: run.opsPerSec, p50us: run.p50ms * 1000, p99us: run.p99ms * 1000 };
        return { measurement, serverCpuUsPerRequest: run.serverCpuUsPerRequest };
      },
      devLogin: (port) => devLogin(port),
      upstreamUrl,
    });
    printTable('Replicas: sessions and rate limiter in Redis (local redis-server) vs in process, best of alternating rounds', [replicas.inProcess.measurement, replicas.redis.measurement], 'ms');
    console.log(`server CPU per request (µs): in process ${replicas.inProcess.serverCpuUsPerRequest.toFixed(0)}, Redis ${replicas.redis.serverCpuUsPerRequest.toFixed(0)} (+ redis-server ${replicas.redisServerCpuUsPerRequest.toFixed(0)}, warm-up included); Redis commands per call ${replicas.redisCommandsPerCall.toFixed(2)}`);
    const l = replicas.limiterCpuUs;
    console.log(`rate limiter alone (client CPU µs per decision, 32 at once): in process ${l.memory.toFixed(1)}, Redis with leases ${l.redisLeased.toFixed(1)}, Redis every call (a plugin below 50/s) ${l.redisEveryCall.toFixed(1)}`);
    console.log(`session lookup alone (CPU µs per lookup, 32 at once, Koa context included): in process ${replicas.sessionCpuUs.memory.toFixed(1)}, Redis ${replicas.sessionCpuUs.redis.toFixed(1)}`);
    goals.push(replicas.goal);
    printGoals(goals);
    if (PROFILE_DIR) {
      console.log(`\nCPU profiles in ${PROFILE_DIR}/<variant>/ when the servers stop; requests served (warm-up included):`);
      for (const v of variants) console.log(`  ${v.key}: ${served.get(v.key)}`);
    }
    await saveJson('bench/results/bff.json', {
      settings: { code, durationSeconds: DURATION, warmupSeconds: WARMUP, roundsPerSet: ROUNDS, sets: SETS, connections: CONNECTIONS },
      results: Object.fromEntries(
        variants.map((v) => {
          const r = rounds.get(v.key)!;
          return [
            v.key,
            {
              name: v.name,
              opsPerSec: median(r.map((x) => x.opsPerSec)),
              p50ms: median(r.map((x) => x.p50ms)),
              p99ms: median(r.map((x) => x.p99ms)),
              serverCpuUsPerRequest: median(r.map((x) => x.serverCpuUsPerRequest)),
              rounds: r,
            },
          ];
        }),
      ),
      ratios,
      sessionLookupUs: lookup,
      replicas: {
        inProcess: replicas.inProcess,
        redis: replicas.redis,
        ratio: replicas.ratio,
        redisServerCpuUsPerRequest: replicas.redisServerCpuUsPerRequest,
        redisCommandsPerCall: replicas.redisCommandsPerCall,
        limiterCpuUs: replicas.limiterCpuUs,
        sessionCpuUs: replicas.sessionCpuUs,
      },
      goals,
    });
  } finally {
    await Promise.all(children.map(stop));
    await opa?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

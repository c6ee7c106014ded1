/**
 * `make bench`, decision-log part: an allowed plugin call through the real BFF (session, policy,
 * rate limit, proxy to a loopback upstream) with decision logging off, and on with the HTTP
 * sink POSTing gzip batches to a loopback decision-log service (default buffer, batch and
 * interval). Both servers run at once in child processes and are loaded in alternating turns,
 * so whatever else loads a shared machine falls on both alike. Reports throughput, latency,
 * server CPU per request, and that every decision reached the service (none dropped).
 * Then, in-process and measured in CPU time (steadier than throughput on a loaded machine): the
 * cost per decision of the real Wasm engine's `api` with the log on (the hot path, then the
 * shipping: formatting, JSON, gzip, the POST) against off, in interleaved rounds.
 * Prints tables and saves bench/results/decision-log.json. Timings are reported, never asserted.
 *
 * Run: npx tsx test/bench/decision-log.bench.ts   (BENCH_DURATION=seconds per variant, BENCH_ROUNDS, BENCH_CONNECTIONS)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import fc from 'fast-check';
import { dataDocumentJson, defaultHostVersion, loadConfigFiles } from '../../src/config/index.js';
import { DecisionLog, httpSink, withDecisionLog } from '../../src/decision-log/index.js';
import { createWasmEngine, type ApiInput, type DecisionEngine } from '../../src/engine/index.js';
import { apiRequests } from '../support/requests.js';
import { cpuMicros, devLogin } from './bench-process.js';
import { printTable, saveJson, type Measurement } from './report.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PATH = '/api/bench/items/42';

interface Child {
  process: ChildProcess;
  port: number;
  metricsPort?: number;
}

function startChild(script: string, args: string[]): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ process: child, ...(JSON.parse(line) as { port: number; metricsPort?: number }) });
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

interface Totals {
  requests: number;
  seconds: number;
  cpuMicros: number;
  p50: number[];
  p99: number[];
  wrong: number;
  errors: number;
}

async function turn(server: Child, cookie: string, totals: Totals, duration: number): Promise<void> {
  const cpu = cpuMicros(server.process.pid!);
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}${PATH}`, connections: CONNECTIONS, duration, headers: { host: 'localhost', cookie, 'x-plugin-id': 'bench' } });
  totals.cpuMicros += cpuMicros(server.process.pid!) - cpu;
  totals.requests += result.requests.total;
  totals.seconds += duration;
  totals.p50.push(result.latency.p50 * 1000);
  totals.p99.push(result.latency.p99 * 1000);
  totals.errors += result.errors;
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) if (code !== '200') totals.wrong += stat.count ?? 0;
}

async function metric(child: Child, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${child.metricsPort}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`)).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

interface InProcess {
  offCpuUs: number;
  onCpuUs: number;
  /** Of onCpuUs: on the request path (record), the rest is shipping. */
  onHotPathUs: number;
  decisions: number;
}

/** CPU µs per decision (process.cpuUsage: every thread, gzip's included) off and on, interleaved. */
async function inProcess(sinkUrl: string): Promise<InProcess> {
  const loaded = await loadConfigFiles({ pluginsFile: 'config/plugins.yaml', grantsFile: 'config/grants.yaml', mode: 'production', hostVersion: await defaultHostVersion() });
  const inputs: ApiInput[] = fc.sample(apiRequests(loaded.registry), { numRuns: 5_000, seed: 42 });
  const engine = await createWasmEngine({ wasm: await readFile('build/policy.wasm'), dataJson: dataDocumentJson(loaded.registry) });
  const log = new DecisionLog({
    sink: httpSink({ url: new URL(sinkUrl), timeoutMs: 5000 }),
    capacity: 10_000,
    batch: 500,
    flushMs: 1000,
    masks: [],
    labels: { id: 'bench', version: '1.4.0' },
    counters: { dropped: () => {}, sent: () => {}, failed: () => {} },
  });
  const logged = withDecisionLog(engine, log);
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const run = (e: DecisionEngine, n: number) => {
    for (let i = 0; i < n; i++) e.api(inputs[i % inputs.length]!);
  };
  // Warm-up: the engine's cache and the JIT, both variants.
  run(engine, 20_000);
  run(logged, 5_000);
  await log.flush();
  const n = 5_000;
  const totals = { off: 0, on: 0, hot: 0, decisions: 0 };
  for (let r = 0; r < 20; r++) {
    let t = cpu();
    run(engine, n);
    totals.off += cpu() - t;
    t = cpu();
    run(logged, n);
    const hot = cpu() - t;
    // What the log does off the request path for these n (it drains at the next tick anyway).
    while (log.buffered > 0) await log.flush();
    totals.on += cpu() - t;
    totals.hot += hot;
    totals.decisions += n;
  }
  await log.close(5000);
  return { offCpuUs: totals.off / totals.decisions, onCpuUs: totals.on / totals.decisions, onHotPathUs: totals.hot / totals.decisions, decisions: totals.decisions };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const upstream = await startChild('test/bench/bff-upstream.ts', []);
  const sink = await startChild('test/bench/decision-log-sink.ts', []);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const children: Child[] = [upstream, sink];
  try {
    const off = await startChild('test/bench/decision-log-server.ts', ['off', upstreamUrl]);
    children.push(off);
    const on = await startChild('test/bench/decision-log-server.ts', ['http', upstreamUrl, `http://127.0.0.1:${sink.port}/logs`]);
    children.push(on);
    const variants = [
      { key: 'off', name: 'plugin call, decision logging off', server: off, cookie: await devLogin(off.port) },
      { key: 'on', name: 'plugin call with decision logging on (http sink on loopback)', server: on, cookie: await devLogin(on.port) },
    ];
    const totals = new Map(variants.map((v) => [v.key, { requests: 0, seconds: 0, cpuMicros: 0, p50: [], p99: [], wrong: 0, errors: 0 } as Totals]));
    const warmup = { requests: 0, seconds: 0, cpuMicros: 0, p50: [], p99: [], wrong: 0, errors: 0 } as Totals;
    for (const v of variants) await turn(v.server, v.cookie, v.key === 'on' ? warmup : { ...warmup, p50: [], p99: [] }, WARMUP);
    for (let r = 0; r < ROUNDS; r++) for (const v of variants) await turn(v.server, v.cookie, totals.get(v.key)!, DURATION / ROUNDS);
    // Let the last batch go out (the default interval is 1 s).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // Each call makes one decision (the dev login none): every call, warm-up included, should have
    // arrived, and a few more (autocannon does not count the calls in flight when a turn ends).
    const calls = warmup.requests + totals.get('on')!.requests;
    const logged = { calls, sent: await metric(on, 'experience_decision_log_sent_total'), dropped: await metric(on, 'experience_decision_log_dropped_total') };
    const received = (await (await fetch(`http://127.0.0.1:${sink.port}/count`)).json()) as { events: number; posts: number };

    const rows: Measurement[] = variants.map((v) => {
      const t = totals.get(v.key)!;
      return { name: v.name, ops: t.requests, opsPerSec: t.requests / t.seconds, p50us: median(t.p50), p99us: median(t.p99) };
    });
    printTable(`Decision logging, allowed plugin call over loopback (${CONNECTIONS} connections, ${DURATION} s per variant in ${ROUNDS} alternating turns after ${WARMUP} s warm-up)`, rows, 'ms');
    const cpu = Object.fromEntries(variants.map((v) => [v.key, totals.get(v.key)!.cpuMicros / Math.max(1, totals.get(v.key)!.requests)]));
    const ratio = rows[1]!.opsPerSec / rows[0]!.opsPerSec;
    console.log(`\non / off: ${(ratio * 100).toFixed(1)}% throughput, ${cpu.on! - cpu.off! >= 0 ? '+' : ''}${(cpu.on! - cpu.off!).toFixed(1)} µs server CPU per request (${cpu.off!.toFixed(0)} vs ${cpu.on!.toFixed(0)})`);
    console.log(`decision log: ${calls} calls (warm-up included), ${logged.sent} events sent, ${logged.dropped} dropped; the service received ${received.events} events in ${received.posts} POSTs`);
    if (received.events < calls || received.events !== logged.sent || logged.dropped > 0) console.warn('NOT every decision reached the decision-log service: the "on" row is not comparable');
    for (const v of variants) {
      const t = totals.get(v.key)!;
      if (t.wrong > 0 || t.errors > 0) console.warn(`${v.name}: ${t.wrong} responses other than 200, ${t.errors} errors`);
    }
    const local = await inProcess(`http://127.0.0.1:${sink.port}/logs`);
    console.log(`\nin-process, CPU per api decision (Wasm engine with its cache, ${local.decisions} decisions in 20 interleaved rounds):`);
    console.log(`  off ${local.offCpuUs.toFixed(2)} µs; on ${local.onCpuUs.toFixed(2)} µs, of which ${local.onHotPathUs.toFixed(2)} µs on the request path: logging costs +${(local.onCpuUs - local.offCpuUs).toFixed(2)} µs per decision`);
    await saveJson('bench/results/decision-log.json', {
      inProcess: local,
      settings: { durationSeconds: DURATION, rounds: ROUNDS, warmupSeconds: WARMUP, connections: CONNECTIONS },
      results: Object.fromEntries(variants.map((v, i) => [v.key, { ...rows[i], serverCpuUsPerRequest: cpu[v.key], wrong: totals.get(v.key)!.wrong, errors: totals.get(v.key)!.errors }])),
      ratioOnToOff: ratio,
      decisionLog: { ...logged, received },
    });
  } finally {
    for (const child of children.reverse()) await stop(child);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `make bench`, scale part: what grows with the config, on generated configs (one run each).
 * Engine alone (in this process): reading + parsing + validating + compiling the config and
 * cutting the data into shards (what a reload's build process does), the Wasm data load (every
 * shard, and the longest the event loop was held meanwhile), API decision p50/p99. The BFF (a
 * child process on the same config, watching its files): RSS after start-up, then the reload
 * stall: the largest latency of sequential `/healthz` probes while a one-line edit reloads,
 * against the largest outside it (3 s before, and as long as the reload took after it: on a shared
 * machine the largest of a long window is larger than that of a short one, reload or not), and
 * how long the BFF's main thread was held at most meanwhile (wall and CPU time, loop-monitor.ts).
 * Figures are also shown against the first row. Prints tables and saves bench/results/scale.json.
 * Timings are reported, never asserted.
 *
 * Run: npx tsx test/bench/scale.bench.ts   (BENCH_SCALE_ROWS=10x5x10,1000x5x10 for other rows; the first is the base;
 * BENCH_SCALE_NODE_FLAGS=--single-threaded-gc for flags of the BFF under test)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { createWasmEngine, type ApiInput } from '../../src/engine/index.js';
import { prepareSnapshot } from '../../src/snapshots/prepare.js';
import { buildPolicyCopy } from '../support/opa.js';
import { apiRequests } from '../support/requests.js';
import { scalePluginsYaml, writeScaleConfig, type ScaleShape } from '../support/scale-config.js';
import { monitorLoop, type LoopBlocks } from './loop-monitor.js';
import { printCells, printGoals, saveJson, summarize } from './report.js';
import type { ScaleServerStats } from './scale-server.js';

const ROWS: ScaleShape[] = [
  { tenants: 10, plugins: 5, entries: 10 },
  { tenants: 1_000, plugins: 5, entries: 10 },
  { tenants: 3_000, plugins: 5, entries: 10 },
  { tenants: 10, plugins: 20, entries: 100 },
];
const DECISIONS = Number(process.env.BENCH_SCALE_DECISIONS ?? 20_000);
const BASELINE_MS = Number(process.env.BENCH_SCALE_BASELINE_MS ?? 3_000);
// The window after the reload is as long as the reload, up to this.
const AFTER_MAX_MS = Number(process.env.BENCH_SCALE_AFTER_MAX_MS ?? 180_000);
const GOAL_STALL_MS = 50;

interface Row {
  shape: ScaleShape;
  yamlMB: number;
  dataMB: number;
  shards: number;
  /** held: the longest the loop was held while the shards loaded. */
  engine: { prepareS: number; dataLoadS: number; held: LoopBlocks; p50us: number; p99us: number };
  /** reload: a one-line edit of plugins.yaml (one shard changes); policyReload: another policy module (every shard loads). */
  bff: { startS: number; rssMB: number; reload: Stall; policyReload: Stall };
}

interface Stall {
  ok: boolean;
  /** From the edit to the new revision serving. */
  reloadS: number;
  probes: number;
  /** The largest in BASELINE_MS before the edit. */
  baselineMaxMs: number;
  /** The largest in a window as long as the reload (up to AFTER_MAX_MS), after it. */
  afterMaxMs: number;
  reloadMaxMs: number;
  /** reloadMaxMs - max(baselineMaxMs, afterMaxMs): how much longer a request waited at most during the reload than outside it. */
  extraMs: number;
  /** Data shards (Wasm instances) the reload loaded, of how many: the rest were kept. */
  shardsLoaded: number;
  shards: number;
  /** The BFF's main thread during the reload: longest wall time and CPU time between two loop turns. */
  server: LoopBlocks;
  peakRssMB: number;
  /** The build process's largest RSS, sampled (it is a process of its own). */
  buildPeakRssMB: number;
}

const seconds = (from: number) => (performance.now() - from) / 1000;


async function engineAlone(files: { pluginsFile: string; grantsFile: string }) {
  const input = { ...files, policyFile: 'build/policy.wasm', mode: 'test' as const, hostVersion: '1.4.0' };
  let t = performance.now();
  const prepared = await prepareSnapshot(input);
  const prepareS = seconds(t);
  if (prepared.unchanged) throw new Error('unexpected: unchanged');
  t = performance.now();
  const loop = monitorLoop();
  const engine = await createWasmEngine({ wasm: prepared.policy, data: prepared.data, cache: false });
  const dataLoadS = seconds(t);
  const held = loop.stop();
  const dataMB = prepared.data.shards.reduce((n, s) => n + s.json.byteLength, 0) / 1e6;
  const registry = JSON.parse(new TextDecoder().decode(prepared.data.shards[0]!.json)) as { registry: Parameters<typeof apiRequests>[0] };
  // Requests of the first shard's tenants; every shard answers alike.
  const inputs: ApiInput[] = fc.sample(apiRequests(registry.registry), { numRuns: 5_000, seed: 42 });
  for (const i of inputs) engine.api(i);
  const lat = new Float64Array(DECISIONS);
  const start = process.hrtime.bigint();
  for (let i = 0; i < DECISIONS; i++) {
    const t0 = process.hrtime.bigint();
    engine.api(inputs[i % inputs.length]!);
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  const m = summarize('api', lat, Number(process.hrtime.bigint() - start));
  return { dataMB, shards: engine.shards, engine: { prepareS, dataLoadS, held, p50us: m.p50us, p99us: m.p99us } };
}

interface Child {
  process: ChildProcess;
  port: number;
  ask<T>(cmd: string): Promise<T>;
}

function startChild(pluginsFile: string, grantsFile: string, policyFile: string): Promise<Child> {
  const child = fork('test/bench/scale-server.ts', [pluginsFile, grantsFile], {
    // BENCH_SCALE_NODE_FLAGS: V8/Node flags for the BFF under test, e.g. --single-threaded-gc.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SCALE_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, POLICY_WASM: policyFile },
  });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send({ cmd });
    });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('scale-server did not start')), 300_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ process: child, port: (JSON.parse(line) as { port: number }).port, ask });
    });
    child.once('exit', (code) => reject(new Error(`scale-server exited with ${code}`)));
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

function get(agent: Agent, port: number, path: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { host: 'localhost' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ms: performance.now() - t0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sequential probes until `until()` (checked every probe) or `ms` pass; the largest latency. */
async function probe(agent: Agent, port: number, stop: () => boolean): Promise<{ max: number; count: number }> {
  let max = 0;
  let count = 0;
  while (!stop()) {
    const { ms } = await get(agent, port, '/healthz');
    max = Math.max(max, ms);
    count++;
  }
  return { max, count };
}

async function reloadStall(child: Child, edit: () => Promise<void>): Promise<Stall> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 200; i++) await get(agent, child.port, '/healthz');
    const before = await child.ask<ScaleServerStats>('stats');
    const baselineEnd = performance.now() + BASELINE_MS;
    const baseline = await probe(agent, child.port, () => performance.now() >= baselineEnd);
    await child.ask('mark');
    const t = performance.now();
    await edit();
    // The child's own answer tells when the new revision serves (or the reload failed); polled besides the probes.
    let after: ScaleServerStats | undefined;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 100));
        const s = await child.ask<ScaleServerStats>('stats');
        if (s.revision !== before.revision || !s.lastReloadOk) {
          after = s;
          return;
        }
      }
    })();
    const during = await probe(agent, child.port, () => after !== undefined || seconds(t) > 300);
    polling = false;
    await poll;
    const reloadS = seconds(t);
    const stats = after ?? (await child.ask<ScaleServerStats>('stats'));
    const afterEnd = performance.now() + Math.min(reloadS * 1000, AFTER_MAX_MS);
    const outside = await probe(agent, child.port, () => performance.now() >= afterEnd);
    return {
      ok: stats.lastReloadOk && stats.revision === before.revision + 1,
      reloadS,
      probes: during.count,
      baselineMaxMs: baseline.max,
      afterMaxMs: outside.max,
      reloadMaxMs: during.max,
      extraMs: during.max - Math.max(baseline.max, outside.max),
      shardsLoaded: stats.shardsLoaded,
      shards: stats.shards,
      server: { longestGapMs: stats.longestGapMs, longestGapQueuedMs: stats.longestGapQueuedMs, longestBusyMs: stats.longestBusyMs },
      peakRssMB: stats.peakRssMB,
      buildPeakRssMB: stats.buildPeakRssMB,
    };
  } finally {
    agent.destroy();
  }
}

async function measure(shape: ScaleShape): Promise<Row> {
  const files = await writeScaleConfig(shape);
  try {
    const alone = await engineAlone(files);
    const t = performance.now();
    // A copy the policy reload replaces (the repository's build/policy.wasm is left alone).
    const policyFile = path.join(files.dir, 'policy.wasm');
    await copyFile('build/policy.wasm', policyFile);
    const child = await startChild(files.pluginsFile, files.grantsFile, policyFile);
    const startS = seconds(t);
    try {
      const { rssMB } = await child.ask<ScaleServerStats>('stats');
      const reload = await reloadStall(child, () => writeFile(files.pluginsFile, scalePluginsYaml(shape, 1)));
      const policyReload = await reloadStall(child, () => writeFile(policyFile, otherPolicy));
      return { shape, yamlMB: files.bytes / 1e6, ...alone, bff: { startS, rssMB, reload, policyReload } };
    } finally {
      await stopChild(child);
    }
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** `value unit (Nx)` against the first row. */
const cell = (value: number, base: number, digits: number, unit: string) => `${fmt(value, digits)}${unit} (${fmt(value / base, 1)}x)`;
const held = (b: LoopBlocks) => `${fmt(b.longestGapMs, 1)} (${fmt(b.longestGapQueuedMs, 1)} queued) / ${fmt(b.longestBusyMs, 1)} ms`;
const name = (r: Row) => `${r.shape.tenants} x ${r.shape.plugins} x ${r.shape.entries}`;

function printRows(rows: Row[]): void {
  const [b] = rows as [Row];
  printCells(
    'Scale, engine alone: generated configs (tenants x plugins x API entries per plugin), one run each; (Nx) against the first row',
    ['config', 'YAML', 'data JSON', 'shards', 'load + compile', 'Wasm data load', 'loop held: wall / CPU', 'decision p50 / p99'],
    rows.map((r) => [
      name(r),
      cell(r.yamlMB, b.yamlMB, 2, ' MB'),
      `${fmt(r.dataMB, 2)} MB`,
      String(r.shards),
      cell(r.engine.prepareS, b.engine.prepareS, 2, ' s'),
      cell(r.engine.dataLoadS, b.engine.dataLoadS, 2, ' s'),
      held(r.engine.held),
      `${fmt(r.engine.p50us, 1)} / ${fmt(r.engine.p99us, 1)} µs (${fmt(r.engine.p50us / b.engine.p50us, 1)}x / ${fmt(r.engine.p99us / b.engine.p99us, 1)}x)`,
    ]),
  );
  printCells(
    'Scale, the BFF: RSS, and a one-line edit reloaded while /healthz is probed',
    ['config', 'RSS', 'peak RSS: BFF + build', 'reload', 'shards loaded', '/healthz max: before / during / after', 'extra wait', 'main thread held: wall / CPU'],
    rows.map((r) => [
      name(r),
      cell(r.bff.rssMB, b.bff.rssMB, 0, ' MB'),
      `${fmt(r.bff.reload.peakRssMB, 0)} + ${fmt(r.bff.reload.buildPeakRssMB, 0)} MB`,
      `${fmt(r.bff.reload.reloadS, 2)} s${r.bff.reload.ok ? '' : ' FAILED'}`,
      `${r.bff.reload.shardsLoaded} of ${r.bff.reload.shards}`,
      `${fmt(r.bff.reload.baselineMaxMs, 1)} / ${fmt(r.bff.reload.reloadMaxMs, 1)} / ${fmt(r.bff.reload.afterMaxMs, 1)} ms`,
      `${fmt(r.bff.reload.extraMs, 1)} ms`,
      held(r.bff.reload.server),
    ]),
  );
  printCells(
    'Scale, the BFF: another policy module reloaded (every shard loads again) while /healthz is probed',
    ['config', 'reload', 'shards loaded', '/healthz max: before / during / after', 'extra wait', 'main thread held: wall / CPU'],
    rows.map((r) => [
      name(r),
      `${fmt(r.bff.policyReload.reloadS, 2)} s${r.bff.policyReload.ok ? '' : ' FAILED'}`,
      `${r.bff.policyReload.shardsLoaded} of ${r.bff.policyReload.shards}`,
      `${fmt(r.bff.policyReload.baselineMaxMs, 1)} / ${fmt(r.bff.policyReload.reloadMaxMs, 1)} / ${fmt(r.bff.policyReload.afterMaxMs, 1)} ms`,
      `${fmt(r.bff.policyReload.extraMs, 1)} ms`,
      held(r.bff.policyReload.server),
    ]),
  );
  console.log(
    [
      '',
      'load + compile: read, parse, validate, compile, cut into shards (a reload does it in a child process). Wasm data load: every',
      'shard, one per event-loop turn. loop held: the longest time between two event-loop turns meanwhile, as wall time (of which',
      "the main thread waited for a core: queued), and the longest as the main thread's own CPU time. RSS: the BFF after start-up.",
      "peak RSS: the BFF's high-water mark after the reload (old and new snapshot at once) + the build process's largest RSS seen",
      '(sampled every 50 ms). reload: from the edit until the new revision serves; shards loaded: the Wasm instances it loaded',
      '(the rest kept from the serving engine). /healthz max: the slowest of sequential probes 3 s before, during, and as long',
      'again (up to 3 min) after it; extra wait: during minus the larger of before and after.',
    ].join('\n'),
  );
}

function shapeOf(text: string): ScaleShape {
  const [tenants, plugins, entries] = text.split('x').map(Number);
  if (![tenants, plugins, entries].every((n) => Number.isInteger(n) && n! > 0)) throw new Error(`BENCH_SCALE_ROWS: not TxPxE: ${text}`);
  return { tenants: tenants!, plugins: plugins!, entries: entries! };
}

// Another module (one more package), the same decisions: what a policy edit makes the BFF reload.
let otherPolicy: Uint8Array;

async function main(): Promise<void> {
  await readFile('build/policy.wasm'); // fail early without `make policy`
  otherPolicy = (await buildPolicyCopy((dir) => writeFile(path.join(dir, 'experience', 'marker.rego'), 'package experience.marker\n\nx := 1\n'), { test: false })).wasm;
  const shapes = process.env.BENCH_SCALE_ROWS ? process.env.BENCH_SCALE_ROWS.split(',').map(shapeOf) : ROWS;
  const loadBefore = loadavg();
  const rows: Row[] = [];
  for (const shape of shapes) {
    const t = performance.now();
    rows.push(await measure(shape));
    console.error(`scale: ${shape.tenants} x ${shape.plugins} x ${shape.entries} measured in ${fmt(seconds(t), 1)} s`);
  }
  const loadAfter = loadavg();
  printRows(rows);
  const largest = rows.reduce((a, r) => (r.yamlMB > a.yamlMB ? r : a));
  const goals = [
    {
      goal: `largest config (${name(largest)}): no /healthz waits more than ${GOAL_STALL_MS} ms longer during a reload than outside one`,
      value: `${fmt(largest.bff.reload.extraMs, 1)} ms`,
      met: largest.bff.reload.ok && largest.bff.reload.extraMs <= GOAL_STALL_MS,
    },
    {
      goal: `largest config: the reload holds the BFF's main thread at most ${GOAL_STALL_MS} ms of CPU at a time`,
      value: `${fmt(largest.bff.reload.server.longestBusyMs, 1)} ms`,
      met: largest.bff.reload.server.longestBusyMs <= GOAL_STALL_MS,
    },
    {
      goal: `largest config, another policy module (every shard loads): no /healthz waits more than ${GOAL_STALL_MS} ms longer`,
      value: `${fmt(largest.bff.policyReload.extraMs, 1)} ms`,
      met: largest.bff.policyReload.ok && largest.bff.policyReload.extraMs <= GOAL_STALL_MS,
    },
    {
      goal: 'every reload swapped in its new revision',
      value: rows.map((r) => `${r.bff.reload.ok ? 'ok' : 'failed'}/${r.bff.policyReload.ok ? 'ok' : 'failed'}`).join(', '),
      met: rows.every((r) => r.bff.reload.ok && r.bff.policyReload.ok),
    },
  ];
  printGoals(goals);
  // Wall times on a shared machine depend on what else runs: the load average says how busy it was.
  const load = { before: loadBefore.map((n) => Number(n.toFixed(2))), after: loadAfter.map((n) => Number(n.toFixed(2))) };
  console.log(`
load average (1, 5, 15 min): ${load.before.join(' ')} before, ${load.after.join(' ')} after, on ${cpus().length} cores`);
  await saveJson('bench/results/scale.json', { benchmark: 'scale', loadAverage: load, rows, goals });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * `make bench`, engine part: API decisions per second and p50/p99 latency on the default config,
 * for (a) the in-process Wasm engine, (b) the same with its decision cache warm, (c) the same
 * policy served by `opa run --server` over loopback HTTP, (d) a plain JS matcher (the floor); then
 * (e)/(f)/(g) the Wasm engine on generated configs with 10 and 100 entries per plugin (allow-list.ts).
 * Prints a table and saves bench/results/engine.json. Timings are reported, never asserted.
 */
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import fc from 'fast-check';
import { dataDocumentJson, defaultHostVersion, loadConfigFiles } from '../../src/config/index.js';
import { createWasmEngine, type ApiInput } from '../../src/engine/index.js';
import { apiRequests } from '../support/requests.js';
import { allowListComparison } from './allow-list.js';
import { jsApiDecision } from './js-matcher.js';
import { postJson, startOpaServer } from './opa-server.js';
import { measureAsync, measureSync, printGoals, printTable, saveJson, type Measurement } from './report.js';

const OPS = Number(process.env.BENCH_OPS ?? 100_000);
const HTTP_OPS = Number(process.env.BENCH_HTTP_OPS ?? 5_000);

async function main(): Promise<void> {
  const loaded = await loadConfigFiles({
    pluginsFile: 'config/plugins.yaml',
    grantsFile: 'config/grants.yaml',
    mode: 'production',
    hostVersion: await defaultHostVersion(),
  });
  const dataJson = dataDocumentJson(loaded.registry);
  const registry = loaded.registry;
  const wasm = await readFile('build/policy.wasm');
  const inputs: ApiInput[] = fc.sample(apiRequests(registry), { numRuns: 5_000, seed: 42 });
  const allowedShare = inputs.filter((i) => jsApiDecision(registry, i).allow).length / inputs.length;

  const plain = await createWasmEngine({ wasm, dataJson, cache: false });
  const cached = await createWasmEngine({ wasm, dataJson });
  // Warm up the JIT for every variant, and fill the cache for (b).
  for (const i of inputs) {
    plain.api(i);
    cached.api(i);
    jsApiDecision(registry, i);
  }

  const rows: Measurement[] = [];
  rows.push(measureSync('(a) Wasm in-process', inputs, OPS, (i) => plain.api(i)));
  rows.push(measureSync('(b) Wasm + warm cache', inputs, OPS, (i) => cached.api(i)));

  const opa = await startOpaServer(dataJson);
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const endpoint = `${opa.url}/v1/data/experience/api/decision`;
    const bodies = inputs.map((input) => JSON.stringify({ input }));
    for (let i = 0; i < 500; i++) await postJson(agent, endpoint, bodies[i]!);
    rows.push(await measureAsync('(c) opa run --server (HTTP)', bodies, HTTP_OPS, (b) => postJson(agent, endpoint, b)));
    agent.destroy();
  } finally {
    await opa.stop();
  }
  rows.push(measureSync('(d) plain JS matcher (floor)', inputs, OPS, (i) => jsApiDecision(registry, i)));

  printTable(`API decisions on the default config (${inputs.length} generated requests, ${(allowedShare * 100).toFixed(0)}% allowed; sequential, one core)`, rows);
  const [a, b, c, d] = rows as [Measurement, Measurement, Measurement, Measurement];
  const goals = [
    { goal: '(a) at least 20x the throughput of (c)', value: `${(a.opsPerSec / c.opsPerSec).toFixed(1)}x`, met: a.opsPerSec >= 20 * c.opsPerSec },
    { goal: '(a) p99 under 50 µs', value: `${a.p99us.toFixed(2)} µs`, met: a.p99us < 50 },
    { goal: '(b) within 3x of (d)', value: `${(d.opsPerSec / b.opsPerSec).toFixed(2)}x slower`, met: b.opsPerSec * 3 >= d.opsPerSec },
  ];
  printGoals(goals);

  const allowList = await allowListComparison(wasm, OPS);
  printTable(allowList.title, allowList.rows);
  printGoals(allowList.goals);
  console.log(`         ${allowList.note}`);
  await saveJson('bench/results/engine.json', { benchmark: 'engine', requests: inputs.length, rows, goals, allowList });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * The engine benchmark's allow-list part: the same API decision on generated configs that differ
 * only in the length of each plugin's allow-list (10 or 100 entries), with the same kind of request
 * mix (allowed requests and near misses, support/requests.ts), timed in interleaved rounds.
 * The goal: a plugin with 100 entries decides within 1.5x of one with 10. A third config, of 100
 * entries no two of which share a shape, shows the index's worst case (no goal).
 */
import fc from 'fast-check';
import { compileRegistry, dataDocumentJson } from '../../src/config/index.js';
import { createWasmEngine, type ApiInput } from '../../src/engine/index.js';
import { generatedConfig, type GeneratedConfigSize } from '../support/generated-config.js';
import { apiRequests } from '../support/requests.js';
import { measureInterleaved, type Goal, type Measurement, type Variant } from './report.js';

const SIZES: GeneratedConfigSize[] = [
  { tenants: 10, plugins: 20, entries: 10 },
  { tenants: 10, plugins: 20, entries: 100 },
  { tenants: 10, plugins: 20, entries: 100, distinctShapes: true },
];
const GOAL = 1.5;

export interface AllowListResult {
  title: string;
  rows: (Measurement & { size: GeneratedConfigSize; allowedShare: number })[];
  goals: Goal[];
  note: string;
}

async function variant(wasm: Uint8Array, size: GeneratedConfigSize, label: string): Promise<Variant<ApiInput> & { size: GeneratedConfigSize; allowedShare: number }> {
  const { plugins, grants } = generatedConfig(size);
  const doc = compileRegistry(plugins, grants, { hostVersion: '1.4.0' });
  const engine = await createWasmEngine({ wasm, dataJson: dataDocumentJson(doc.registry), cache: false });
  const inputs = fc.sample(apiRequests(doc.registry), { numRuns: 5_000, seed: 42 });
  for (const i of inputs) engine.api(i); // warm up
  const allowedShare = inputs.filter((i) => engine.api(i).allow).length / inputs.length;
  const name = `${label} ${size.tenants} tenants x ${size.plugins} plugins x ${size.entries} entries${size.distinctShapes ? ', each its own shape' : ''}`;
  return { name, inputs, op: (i) => engine.api(i), size, allowedShare };
}

/** Measures the configs, `ops` decisions each in 10 interleaved rounds, and judges the ratio 100:10. */
export async function allowListComparison(wasm: Uint8Array, ops: number): Promise<AllowListResult> {
  const variants = [await variant(wasm, SIZES[0]!, '(e)'), await variant(wasm, SIZES[1]!, '(f)'), await variant(wasm, SIZES[2]!, '(g)')];
  const measured = measureInterleaved(variants, ops, 10);
  const rows = measured.map((m, k) => ({ ...m, size: variants[k]!.size, allowedShare: variants[k]!.allowedShare }));
  const [e, f, g] = rows as [AllowListResult['rows'][0], AllowListResult['rows'][0], AllowListResult['rows'][0]];
  const share = (r: { allowedShare: number }) => `${(r.allowedShare * 100).toFixed(0)}%`;
  return {
    title: `API decisions by allow-list length (Wasm, no cache; 5000 generated requests each, ${share(e)} / ${share(f)} / ${share(g)} allowed; interleaved)`,
    rows,
    goals: [
      { goal: `(f) p50 within ${GOAL}x of (e)`, value: `${(f.p50us / e.p50us).toFixed(2)}x`, met: f.p50us <= GOAL * e.p50us },
      { goal: `(f) p99 within ${GOAL}x of (e)`, value: `${(f.p99us / e.p99us).toFixed(2)}x`, met: f.p99us <= GOAL * e.p99us },
    ],
    // (g) has no goal: it shows what the index cannot narrow (the cost follows the number of shapes).
    note: `(g) the index's worst case: p50 ${(g.p50us / e.p50us).toFixed(2)}x, p99 ${(g.p99us / e.p99us).toFixed(2)}x of (e) (no goal)`,
  };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface Measurement {
  name: string;
  ops: number;
  opsPerSec: number;
  p50us: number;
  p99us: number;
}

/** Nearest-rank percentile of latencies in nanoseconds, returned in microseconds. */
export function percentileUs(sortedNs: Float64Array, p: number): number {
  if (sortedNs.length === 0) return Number.NaN;
  const rank = Math.min(sortedNs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedNs.length) - 1));
  return sortedNs[rank]! / 1000;
}

export function summarize(name: string, latenciesNs: Float64Array, totalNs: number): Measurement {
  const sorted = Float64Array.from(latenciesNs).sort();
  return {
    name,
    ops: latenciesNs.length,
    opsPerSec: latenciesNs.length / (totalNs / 1e9),
    p50us: percentileUs(sorted, 50),
    p99us: percentileUs(sorted, 99),
  };
}

/** Times `op` once per input, sequentially, cycling through the inputs `ops` times in all. */
export function measureSync<T>(name: string, inputs: readonly T[], ops: number, op: (input: T) => unknown): Measurement {
  const lat = new Float64Array(ops);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const t0 = process.hrtime.bigint();
    op(inputs[i % inputs.length]!);
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  return summarize(name, lat, Number(process.hrtime.bigint() - start));
}

export interface Variant<T> {
  name: string;
  inputs: readonly T[];
  op: (input: T) => unknown;
}

/**
 * Times each variant `ops` times, sequentially, in `rounds` turns taken one variant after the
 * other, so that whatever else loads a shared machine falls on every variant alike.
 */
export function measureInterleaved<T>(variants: readonly Variant<T>[], ops: number, rounds: number): Measurement[] {
  const perRound = Math.ceil(ops / rounds);
  const lat = variants.map(() => new Float64Array(perRound * rounds));
  const total = variants.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, k) => {
      const start = process.hrtime.bigint();
      for (let i = r * perRound; i < (r + 1) * perRound; i++) {
        const t0 = process.hrtime.bigint();
        v.op(v.inputs[i % v.inputs.length]!);
        lat[k]![i] = Number(process.hrtime.bigint() - t0);
      }
      total[k]! += Number(process.hrtime.bigint() - start);
    });
  }
  return variants.map((v, k) => summarize(v.name, lat[k]!, total[k]!));
}

export async function measureAsync<T>(
  name: string,
  inputs: readonly T[],
  ops: number,
  op: (input: T) => Promise<unknown>,
): Promise<Measurement> {
  const lat = new Float64Array(ops);
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const t0 = process.hrtime.bigint();
    await op(inputs[i % inputs.length]!);
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  return summarize(name, lat, Number(process.hrtime.bigint() - start));
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A table of measurements. `latency: 'ms'` for HTTP rows, whose latencies come from autocannon in
 * whole milliseconds: printing them as µs with decimals would claim a precision they do not have.
 */
export function printTable(title: string, rows: Measurement[], latency: 'us' | 'ms' = 'us'): void {
  const header = ['variant', 'ops', 'ops/s', `p50 ${latency === 'us' ? 'µs' : 'ms'}`, `p99 ${latency === 'us' ? 'µs' : 'ms'}`];
  const shown = (us: number) => (latency === 'us' ? fmt(us, 2) : fmt(us / 1000, 0));
  printCells(title, header, rows.map((r) => [r.name, String(r.ops), fmt(r.opsPerSec, 0), shown(r.p50us), shown(r.p99us)]));
}

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function printCells(title: string, header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

export interface Goal {
  goal: string;
  value: string;
  met: boolean;
}

export function printGoals(goals: Goal[]): void {
  console.log('');
  for (const g of goals) console.log(`${g.met ? 'met    ' : 'NOT MET'}  ${g.goal}: ${g.value}`);
}

export async function saveJson(file: string, body: object): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine, ...body }, null, 2)}\n`);
  console.log(`\nsaved ${file}`);
}

/**
 * Reads a V8 CPU profile (`node --cpu-prof`, or `BENCH_PROFILE=dir npx tsx test/bench/bff.bench.ts`)
 * and prints where the time went: the top functions by self time, self time by area (a
 * package, a file of ours, Node's own code, the GC, `(program)`: native code outside any JS
 * frame), and the functions of ours (src/, dist/, test/) by inclusive time (callees included). Idle time is left
 * out, so a share is of the time the process was busy; with `requests`, also µs per request.
 *
 * Run: npx tsx test/bench/cpu-profile.ts <file.cpuprofile> [top=30] [requests]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A short name for where a function lives: `pino`, `src/server/logger.ts`, `node:internal/http`. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const ours = /\/((?:src|test|dist)\/.*)$/.exec(url);
  return ours ? ours[1]! : url;
}

function keyOf(frame: CallFrame): string {
  const where = frame.url ? `${areaOf(frame)}:${frame.lineNumber + 1}` : areaOf(frame);
  return `${frame.functionName || '(anonymous)'}  ${where}`;
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function main(): void {
  const [file, topArg, requestsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [top] [requests]');
  const top = Number(topArg ?? 30);
  const requests = requestsArg ? Number(requestsArg) : undefined;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  // Each sample's time is the delta recorded with the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const us = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    add(self, keyOf(frame), us);
    add(areas, areaOf(frame), us);
    // Inclusive: once per function on the stack (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!/^(?:src|test|dist)\//.test(areaOf(f))) continue;
      const key = keyOf(f);
      if (!seen.has(key)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  }

  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const per = (us: number) => (requests ? `${(us / requests).toFixed(2).padStart(7)} µs/req` : '');
  const list = (map: Map<string, number>) => {
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)} ${per(us)}  ${key}`);
  };
  console.log(`${file}: busy ${ms(busy).trim()}, idle ${ms(idle).trim()}${requests ? `, ${(busy / requests).toFixed(1)} µs busy per request` : ''}\n`);
  console.log(`top ${top} functions by self time (share of busy time):`);
  list(self);
  console.log('\nself time by area:');
  list(areas);
  console.log('\nfunctions of src/, dist/ and test/ by inclusive time:');
  list(inclusive);
}

main();

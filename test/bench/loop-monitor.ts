/**
 * How long this process's main thread was held between two event-loop turns: as wall time (what
 * a request waits), and as the main thread's own CPU time in the same interval (Linux
 * /proc/<pid>/task/<pid>/schedstat). On a shared machine the first also counts time the thread
 * was runnable but not scheduled; the second is what this process's code cost.
 */
import { readFileSync } from 'node:fs';

export interface LoopBlocks {
  /** Longest wall time between two ticks (ms). */
  longestGapMs: number;
  /** Longest main-thread CPU time between two ticks (ms); NaN where schedstat is not available. */
  longestBusyMs: number;
}

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

function cpuNs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** Ticks every millisecond until stopped. */
export function monitorLoop(): { read(): LoopBlocks; reset(): void; stop(): LoopBlocks } {
  let lastAt = performance.now();
  let lastCpu = cpuNs();
  let longestGapMs = 0;
  let longestBusyMs = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    const cpu = cpuNs();
    longestGapMs = Math.max(longestGapMs, at - lastAt);
    longestBusyMs = Math.max(longestBusyMs, (cpu - lastCpu) / 1e6);
    lastAt = at;
    lastCpu = cpu;
  }, 1);
  return {
    reset() {
      lastAt = performance.now();
      lastCpu = cpuNs();
      longestGapMs = 0;
      longestBusyMs = Number.isNaN(lastCpu) ? Number.NaN : 0;
    },
    read() {
      return { longestGapMs, longestBusyMs: Number.isNaN(lastCpu) ? Number.NaN : longestBusyMs };
    },
    stop() {
      clearInterval(timer);
      return this.read();
    },
  };
}

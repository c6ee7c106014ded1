/**
 * How long this process's main thread was held between two event-loop turns: as wall time (what
 * a request waits), and as the main thread's own CPU time in the same interval (Linux
 * /proc/<pid>/task/<pid>/schedstat). On a shared machine the first also counts time the thread
 * was runnable but not scheduled; for the longest gap that share is reported as well.
 */
import { readFileSync } from 'node:fs';

export interface LoopBlocks {
  /** Longest wall time between two ticks (ms). */
  longestGapMs: number;
  /** Of that gap, the time the main thread waited for a core (ms); NaN without schedstat. */
  longestGapQueuedMs: number;
  /** Longest main-thread CPU time between two ticks (ms): what this process's code held it for; NaN without schedstat. */
  longestBusyMs: number;
}

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/** [on-CPU ns, waiting-for-a-core ns] of the main thread. */
function sched(): [number, number] {
  try {
    const [cpu, queued] = readFileSync(SCHEDSTAT, 'utf8').split(' ').map(Number);
    return [cpu ?? Number.NaN, queued ?? Number.NaN];
  } catch {
    return [Number.NaN, Number.NaN];
  }
}

/** Ticks every millisecond until stopped. */
export function monitorLoop(): { read(): LoopBlocks; reset(): void; stop(): LoopBlocks } {
  let lastAt = performance.now();
  let last = sched();
  let blocks: LoopBlocks = { longestGapMs: 0, longestGapQueuedMs: 0, longestBusyMs: 0 };
  const timer = setInterval(() => {
    const at = performance.now();
    const now = sched();
    const gap = at - lastAt;
    if (gap > blocks.longestGapMs) blocks = { ...blocks, longestGapMs: gap, longestGapQueuedMs: (now[1] - last[1]) / 1e6 };
    blocks.longestBusyMs = Math.max(blocks.longestBusyMs, (now[0] - last[0]) / 1e6);
    lastAt = at;
    last = now;
  }, 1);
  return {
    reset() {
      lastAt = performance.now();
      last = sched();
      blocks = { longestGapMs: 0, longestGapQueuedMs: 0, longestBusyMs: 0 };
    },
    read() {
      const unknown = Number.isNaN(last[0]);
      return unknown ? { ...blocks, longestGapQueuedMs: Number.NaN, longestBusyMs: Number.NaN } : { ...blocks };
    },
    stop() {
      clearInterval(timer);
      return this.read();
    },
  };
}

export interface BackoffOptions {
  /** First delay. Default 500 ms (or the server's `retry:`). */
  baseMs?: number;
  /** Ceiling. Default 30 s. */
  maxMs?: number;
  /** `[0, 1)`; injected in tests. */
  random?: () => number;
}

/** Exponential backoff with "equal jitter": half fixed, half random, never above `maxMs`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

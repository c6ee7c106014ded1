/** Sorts by UTF-16 code units, the same order as the canonical JSON. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

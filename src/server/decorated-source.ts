import type { Snapshot, SnapshotSource } from '../engine/state.js';
import type { DecisionEngine } from '../engine/types.js';

/**
 * The source with each snapshot's engine decorated (memo, decision log), once per snapshot: the
 * same decorated snapshot for as long as it serves, so identity comparisons (has a reload
 * happened?) and caches keyed by snapshot behave as with the source itself.
 */
export function decorateSnapshots(source: SnapshotSource, decorate: (engine: DecisionEngine) => DecisionEngine): SnapshotSource {
  const decorated = new WeakMap<Snapshot, Snapshot>();
  const of = (snapshot: Snapshot): Snapshot => {
    let out = decorated.get(snapshot);
    if (!out) {
      out = { ...snapshot, engine: decorate(snapshot.engine) };
      decorated.set(snapshot, out);
    }
    return out;
  };
  return {
    current: () => of(source.current()),
    status: () => source.status(),
    subscribe: (listener) => source.subscribe((snapshot) => listener(of(snapshot))),
  };
}

import { describe, expect, it } from 'vitest';
import { fakeEngine } from '../decision-log/testing/fake-engine.js';
import type { Snapshot, SnapshotSource } from '../engine/state.js';
import type { DecisionEngine } from '../engine/types.js';
import { decorateSnapshots } from './decorated-source.js';

function source() {
  let current = { engine: fakeEngine(), revision: { id: 1 } } as unknown as Snapshot;
  const listeners = new Set<(s: Snapshot) => void>();
  const raw: SnapshotSource & { swap(): void } = {
    current: () => current,
    status: () => ({ revision: current.revision, last: { at: '', ok: true, trigger: 'startup' }, failures: 0 }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    swap() {
      current = { engine: fakeEngine(), revision: { id: 2 } } as unknown as Snapshot;
      for (const listener of listeners) listener(current);
    },
  };
  return raw;
}

describe('decorateSnapshots', () => {
  it('decorates each snapshot once and keeps its identity while it serves', () => {
    const raw = source();
    const wrapped: DecisionEngine[] = [];
    const decorated = decorateSnapshots(raw, (engine) => {
      const out = { ...engine };
      wrapped.push(out);
      return out;
    });
    const a = decorated.current();
    expect(decorated.current()).toBe(a);
    expect(a.engine).toBe(wrapped[0]);
    expect(a.revision).toBe(raw.current().revision);
    expect(decorated.status()).toEqual(raw.status());

    const seen: Snapshot[] = [];
    decorated.subscribe((s) => seen.push(s));
    raw.swap();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(decorated.current());
    expect(seen[0]).not.toBe(a);
    expect(wrapped).toHaveLength(2);
  });
});

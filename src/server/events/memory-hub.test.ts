import { describe, expect, it } from 'vitest';
import { MemoryEventHub } from './memory-hub.js';

describe('MemoryEventHub', () => {
  it('numbers events monotonically and fans them out', async () => {
    const hub = new MemoryEventHub();
    const seen: number[] = [];
    const off = hub.subscribe((e) => seen.push(e.seq));
    const a = await hub.publish({ tenant: 't', topic: 'x', data: 1 });
    const b = await hub.publish({ tenant: 'u', topic: 'x', data: 2 });
    off();
    await hub.publish({ tenant: 't', topic: 'x', data: 3 });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
  });

  it('replays a bounded per-tenant buffer', async () => {
    const hub = new MemoryEventHub({ bufferSize: 2 });
    for (let i = 0; i < 4; i++) await hub.publish({ tenant: 't', topic: 'x', data: i });
    await hub.publish({ tenant: 'other', topic: 'x', data: 'o' });
    expect((await hub.since('t', 0)).map((e) => e.data)).toEqual([2, 3]);
    expect((await hub.since('t', 3)).map((e) => e.data)).toEqual([3]);
    expect(await hub.since('none', 0)).toEqual([]);
  });
});

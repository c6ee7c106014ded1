import { describe, expect, it } from 'vitest';
import { compareEventIds, isEventId } from './ids.js';
import { MemoryEventHub } from './memory-hub.js';
import type { HubEvent, Replay } from './types.js';

const data = (replay: Replay) => (replay.kind === 'events' ? replay.events.map((e) => e.data) : replay);

describe('MemoryEventHub', () => {
  it('gives increasing ids of the documented form and fans events out', async () => {
    const hub = new MemoryEventHub();
    const seen: string[] = [];
    const off = hub.subscribe((e) => seen.push(e.id));
    const a = await hub.publish({ tenant: 't', topic: 'x', data: 1 });
    const b = await hub.publish({ tenant: 'u', topic: 'x', data: 2 });
    off();
    await hub.publish({ tenant: 't', topic: 'x', data: 3 });
    expect(isEventId(a.id) && isEventId(b.id)).toBe(true);
    expect(compareEventIds(a.id, b.id)).toBeLessThan(0);
    expect(seen).toEqual([a.id, b.id]);
  });

  it('replays a bounded per-tenant buffer after an id it issued', async () => {
    const hub = new MemoryEventHub({ bufferSize: 2 });
    const events: HubEvent[] = [];
    for (let i = 0; i < 4; i++) events.push(await hub.publish({ tenant: 't', topic: 'x', data: i }));
    await hub.publish({ tenant: 'other', topic: 'x', data: 'o' });
    // Event 1 was the newest dropped: after it, nothing is missing.
    expect(data(await hub.since('t', events[1]!.id))).toEqual([2, 3]);
    expect(data(await hub.since('t', events[2]!.id))).toEqual([3]);
    expect(data(await hub.since('t', events[3]!.id))).toEqual([]);
    expect(data(await hub.since('none', events[0]!.id))).toEqual([]);
  });

  it('answers a reset, with the newest id as head, for an id it cannot resume from', async () => {
    const hub = new MemoryEventHub({ bufferSize: 2 });
    const other = new MemoryEventHub();
    const foreign = await other.publish({ tenant: 't', topic: 'x', data: 0 });
    const events: HubEvent[] = [];
    for (let i = 0; i < 4; i++) events.push(await hub.publish({ tenant: 't', topic: 'x', data: i }));
    const head = events[3]!.id;
    const [epoch] = head.split('-');
    for (const [afterId, reason] of [
      [events[0]!.id, 'expired'],
      [foreign.id, 'unknown'],
      [`${epoch}-99`, 'unknown'],
      ['42', 'unknown'],
      ['', 'unknown'],
      ['not an id', 'unknown'],
    ] as const) {
      expect(await hub.since('t', afterId), afterId).toEqual({ kind: 'reset', reason, head });
    }
  });

  it('with no buffer, any earlier id is expired', async () => {
    const hub = new MemoryEventHub({ bufferSize: 0 });
    const a = await hub.publish({ tenant: 't', topic: 'x', data: 1 });
    const b = await hub.publish({ tenant: 't', topic: 'x', data: 2 });
    expect(await hub.since('t', a.id)).toEqual({ kind: 'reset', reason: 'expired', head: b.id });
    expect(await hub.since('t', b.id)).toEqual({ kind: 'events', events: [] });
  });

  it('watch resolves at once (every event of this process reaches its subscribers)', async () => {
    const hub = new MemoryEventHub();
    const release = await hub.watch();
    expect(typeof release).toBe('function');
    release();
  });
});

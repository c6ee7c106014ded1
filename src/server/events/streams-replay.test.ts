/**
 * What a stream is written when it resumes: the replay, a reset (with the head as its id), a
 * gap the hub reports, a store that fails as the stream opens; and the hub's watch ending with it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import { testCatalogues } from '../../engine/testing/catalogues.js';
import { EMPTY_IDENTITY } from '../../identity/index.js';
import { UnavailableError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics/index.js';
import { MemoryEventHub } from './memory-hub.js';
import { StreamRegistry } from './streams.js';
import type { HubEvent, Replay } from './types.js';

const revision = { id: 1, policy: 'p', data: 'd', config: 'c', identity: 'none', loadedAt: '' };
const snapshot: Snapshot = {
  engine: {
    revision,
    api: () => ({ allow: false, reason: 'not_allowed' }),
    sse: () => ({ allow: true, reason: 'allowed' }),
    contributions: () => ({ plugins: [] }),
    authz: () => ({ allow: false, reason: 'not_granted' }),
    reasons: testCatalogues(),
  },
  config: { tenants: { localhost: [] }, upstreams: [] },
  identity: EMPTY_IDENTITY,
  revision,
};
const source: SnapshotSource = {
  current: () => snapshot,
  status: () => ({ revision, last: { at: '', ok: true, trigger: 'startup' }, failures: 0 }),
  subscribe: () => () => {},
};

const event = (id: string, n: number): HubEvent => ({ id, tenant: 'localhost', topic: 'orders.updated', data: n, ts: '2024-01-01T00:00:00.000Z' });

/** A hub the test drives: it emits events and gaps, scripts `since` and `watch`, counts watches. */
class ScriptedHub extends MemoryEventHub {
  private emit: ((e: HubEvent) => void) | undefined;
  private onGap: ((tenant: string) => void) | undefined;
  watching = 0;
  replay: (() => Promise<Replay>) | undefined;
  watchFails = false;
  /** Called while `since` runs: events that arrive as the replay is read. */
  duringReplay: (() => void) | undefined;

  override subscribe(listener: (e: HubEvent) => void, onGap?: (tenant: string) => void): () => void {
    this.emit = listener;
    this.onGap = onGap;
    return () => {};
  }
  override watch(): Promise<() => void> {
    if (this.watchFails) return Promise.reject(new UnavailableError('event_store_unavailable', 'down'));
    this.watching++;
    let released = false;
    return Promise.resolve(() => {
      if (!released) this.watching--;
      released = true;
    });
  }
  override async since(): Promise<Replay> {
    this.duringReplay?.();
    return this.replay ? this.replay() : { kind: 'events', events: [] };
  }
  send(e: HubEvent): void {
    this.emit?.(e);
  }
  gap(): void {
    this.onGap?.('localhost');
  }
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

interface Opened {
  streams: StreamRegistry;
  /** Resolves with everything received once `until` matches it (or the response ended). */
  received(until: (text: string) => boolean): Promise<string>;
  status: number;
}

async function open(hub: ScriptedHub, lastEventId: string | undefined): Promise<Opened> {
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const streams = new StreamRegistry({ hub, source, metrics: createMetrics(source, { defaultMetrics: false }), logger, heartbeatMs: 60_000 });
  const server = http.createServer((req, res) => {
    streams.open({ req, res, tenant: 'localhost', plugin: 'p', sid: 's', topics: ['orders'], lastEventId, snapshot }).catch((error: unknown) => {
      res.writeHead(503);
      res.end(error instanceof UnavailableError ? error.code : 'other');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    streams,
    status: res.status,
    async received(until) {
      while (!until(text)) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
  };
}

const frames = (text: string) => text.split('\n\n').filter((f) => f !== '' && !f.startsWith('retry:'));

describe('StreamRegistry resuming a stream', () => {
  it('writes the replay, then the live events it did not contain, each once and in order', async () => {
    const hub = new ScriptedHub();
    hub.replay = async () => ({ kind: 'events', events: [event('5-0', 5), event('6-0', 6)] });
    // 6 arrives live as well while the replay is read; 7 only live.
    hub.duringReplay = () => {
      hub.send(event('6-0', 6));
      hub.send(event('7-0', 7));
    };
    const s = await open(hub, '4-0');
    const text = await s.received((t) => t.includes('id: 7-0'));
    expect(frames(text).map((f) => f.split('\n')[0])).toEqual(['id: 5-0', 'id: 6-0', 'id: 7-0']);
    hub.send(event('7-0', 7));
    hub.send(event('8-0', 8));
    expect(frames(await s.received((t) => t.includes('id: 8-0'))).map((f) => f.split('\n')[0])).toEqual(['id: 5-0', 'id: 6-0', 'id: 7-0', 'id: 8-0']);
  });

  it.each(['expired', 'unknown'] as const)('a %s Last-Event-ID gets `event: reset` with the head as its id, then only newer events', async (reason) => {
    const hub = new ScriptedHub();
    hub.replay = async () => ({ kind: 'reset', reason, head: '9-0' });
    hub.duringReplay = () => {
      hub.send(event('8-0', 8)); // before the head: covered by the reset
      hub.send(event('10-0', 10));
    };
    const s = await open(hub, '1-0');
    const text = await s.received((t) => t.includes('id: 10-0'));
    expect(frames(text)).toEqual([
      `id: 9-0\nevent: reset\ndata: {"reason":"${reason}"}`,
      expect.stringMatching(/^id: 10-0\nevent: message\ndata: \{"topic":"orders.updated","data":10,/),
    ]);
  });

  it('a reset with no head (nothing was ever published) sets no id', async () => {
    const hub = new ScriptedHub();
    hub.replay = async () => ({ kind: 'reset', reason: 'unknown', head: undefined });
    const s = await open(hub, 'garbage');
    hub.send(event('1-0', 1));
    const text = await s.received((t) => t.includes('id: 1-0'));
    expect(frames(text)[0]).toBe('event: reset\ndata: {"reason":"unknown"}');
  });

  it('a gap the hub reports reaches open streams as `event: reset` (reason gap), in order with the events', async () => {
    const hub = new ScriptedHub();
    // One gap while the stream opens (queued), one once it is live.
    hub.duringReplay = () => {
      hub.send(event('2-0', 2));
      hub.gap();
      hub.send(event('5-0', 5));
    };
    const s = await open(hub, '1-0');
    await s.received((t) => t.includes('id: 5-0'));
    hub.gap();
    hub.send(event('9-0', 9));
    const text = await s.received((t) => t.includes('id: 9-0'));
    expect(frames(text).map((f) => f.split('\n')[0])).toEqual(['id: 2-0', 'event: reset', 'id: 5-0', 'event: reset', 'id: 9-0']);
    expect(frames(text)[1]).toBe('event: reset\ndata: {"reason":"gap"}');
  });

  it('a replay that cannot be read ends the stream with retry and `: unavailable`, and nothing else', async () => {
    const hub = new ScriptedHub();
    hub.replay = () => Promise.reject(new UnavailableError('event_store_unavailable', 'down'));
    const s = await open(hub, '1-0');
    expect(s.status).toBe(200);
    const text = await s.received(() => false);
    expect(text).toBe('retry: 2000\n\nretry: 2000\n: unavailable\n\n');
    expect(s.streams.size).toBe(0);
    expect(hub.watching).toBe(0);
  });

  it('a hub that cannot watch the tenant refuses the stream before any byte (the route answers 503)', async () => {
    const hub = new ScriptedHub();
    hub.watchFails = true;
    const s = await open(hub, undefined);
    expect(s.status).toBe(503);
    expect(await s.received(() => false)).toBe('event_store_unavailable');
    expect(s.streams.size).toBe(0);
  });

  it('releases its watch when it closes, however it closes', async () => {
    const hub = new ScriptedHub();
    const a = await open(hub, undefined);
    await a.received((t) => t.startsWith('retry:'));
    expect(hub.watching).toBe(1);
    await a.streams.close();
    expect(hub.watching).toBe(0);
  });
});

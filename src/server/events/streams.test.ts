import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import { EMPTY_IDENTITY } from '../../identity/index.js';
import { testCatalogues } from '../../engine/testing/catalogues.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics/index.js';
import { MemoryEventHub } from './memory-hub.js';
import { StreamRegistry } from './streams.js';

function snapshot(allow: boolean, id: number): Snapshot {
  const revision = { id, policy: 'p', data: 'd', config: 'c', identity: 'none', loadedAt: '' };
  return {
    engine: {
      revision,
      reasons: testCatalogues(),
      api: () => ({ allow: false, reason: 'refused' }),
      sse: () => (allow ? { allow: true, reason: 'allowed' } : { allow: false, reason: 'refused' }),
      contributions: () => ({ plugins: [] }),
      authz: () => ({ allow: false, reason: 'not_granted' }),
    },
    config: { tenants: { localhost: [] }, upstreams: [] },
    identity: EMPTY_IDENTITY,
    revision,
  };
}

function source(initial: Snapshot): SnapshotSource & { set(s: Snapshot): void } {
  let current = initial;
  const listeners = new Set<(s: Snapshot) => void>();
  return {
    current: () => current,
    status: () => ({ revision: current.revision, last: { at: '', ok: true, trigger: 'startup' }, failures: 0 }),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(s) {
      current = s;
      for (const l of listeners) l(s);
    },
  };
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A server whose only route opens a stream with `open`; returns what the client received. */
async function serve(open: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>): Promise<string> {
  const server = http.createServer((req, res) => {
    open(req, res).then((ok) => {
      if (!ok) {
        res.writeHead(403);
        res.end('refused');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return `${res.status} ${await res.text()}`;
}

function registry(src: SnapshotSource) {
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  return new StreamRegistry({ hub: new MemoryEventHub(), source: src, metrics: createMetrics(src, { defaultMetrics: false }), logger, heartbeatMs: 60_000 });
}

describe('StreamRegistry', () => {
  it('refuses to open when a reload withdrew a topic after the route checked it', async () => {
    const checked = snapshot(true, 1);
    const src = source(snapshot(false, 2));
    const streams = registry(src);
    const answer = await serve((req, res) => streams.open({ req, res, tenant: 'localhost', plugin: 'p', sid: 's', topics: ['orders'], lastEventId: undefined, snapshot: checked }));
    expect(answer).toBe('403 refused');
    expect(streams.size).toBe(0);
  });

  it('closes streams cleanly even before their first byte (shutdown right after open)', async () => {
    const first = snapshot(true, 1);
    const src = source(first);
    const streams = registry(src);
    const answer = await serve((req, res) => {
      const opened = streams.open({ req, res, tenant: 'localhost', plugin: 'p', sid: 's', topics: ['orders'], lastEventId: undefined, snapshot: first });
      void streams.close();
      return opened;
    });
    expect(answer).toMatch(/^200 retry: 2000/);
    expect(streams.size).toBe(0);
  });

  it('closes a stream when a reload withdraws its topic', async () => {
    const first = snapshot(true, 1);
    const src = source(first);
    const streams = registry(src);
    const answer = serve(async (req, res) => {
      const ok = await streams.open({ req, res, tenant: 'localhost', plugin: 'p', sid: 's', topics: ['orders'], lastEventId: undefined, snapshot: first });
      src.set(snapshot(false, 2));
      return ok;
    });
    expect(await answer).toMatch(/^200 /);
    expect(streams.size).toBe(0);
    expect(streams.count('s', 'p')).toBe(0);
  });
});

/**
 * The registry lets go of a stream's socket however it ends it: here the cases the
 * integration tests cannot reach (a queue overflow while a stream replays).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_IDENTITY } from '../../identity/index.js';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import { testCatalogues } from '../../engine/testing/catalogues.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics/index.js';
import { outcomeOf } from '../outcome.js';
import { MemoryEventHub } from './memory-hub.js';
import { StreamRegistry } from './streams.js';
import type { Replay } from './types.js';

const revision = { id: 1, policy: 'p', data: 'd', config: 'c', identity: 'none', loadedAt: '' };
const snapshot: Snapshot = {
  engine: {
    revision,
    reasons: testCatalogues(),
    api: () => ({ allow: false, reason: 'refused' }),
    sse: () => ({ allow: true, reason: 'allowed' }),
    contributions: () => ({ plugins: [] }),
    authz: () => ({ allow: false, reason: 'not_granted' }),
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

/** A hub whose replay (`since`) waits until the test opens the gate. */
class GatedHub extends MemoryEventHub {
  private opened!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  asked = false;
  open(): void {
    this.opened();
  }
  override async since(tenant: string, afterId: string): Promise<Replay> {
    this.asked = true;
    await this.gate;
    return super.since(tenant, afterId);
  }
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

describe('StreamRegistry releasing streams', () => {
  it('drops a stream whose queue overflows while it replays (rather than skip events), destroying its socket', async () => {
    const hub = new GatedHub({ bufferSize: 0 });
    const metrics = createMetrics(source, { defaultMetrics: false });
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
    const streams = new StreamRegistry({ hub, source, metrics, logger, heartbeatMs: 60_000 });
    let response: http.ServerResponse | undefined;
    const server = http.createServer((req, res) => {
      response = res;
      void streams.open({ req, res, tenant: 'localhost', plugin: 'p', sid: 's', topics: ['orders'], lastEventId: '0-0', snapshot });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const body = res.text().then(
      () => 'ended',
      () => 'cut',
    );
    for (let i = 0; i < 200 && !hub.asked; i++) await new Promise((r) => setTimeout(r, 5));
    expect(hub.asked).toBe(true);
    expect(streams.size).toBe(1);

    for (let i = 0; i < 1001; i++) await hub.publish({ tenant: 'localhost', topic: 'orders.updated', data: i });
    expect(streams.size).toBe(0);
    expect(response?.destroyed).toBe(true);
    expect(await body).toBe('cut');
    hub.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(outcomeOf(response as http.ServerResponse)).toBe('slow_client');
    expect(streams.size).toBe(0);
  });
});

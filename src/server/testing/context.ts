/**
 * Koa contexts for unit tests of middleware, guard steps and routes: a real Koa context over an
 * IncomingMessage/ServerResponse pair that never touches the network, and a fake snapshot whose
 * engine answers what the test says.
 */
import { EMPTY_IDENTITY } from '../../identity/index.js';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import type { PluginsConfig } from '../../config/types.js';
import type { Snapshot, SnapshotSource } from '../../engine/state.js';
import { testCatalogues } from '../../engine/testing/catalogues.js';
import type { DecisionEngine } from '../../engine/types.js';
import type { BffContext, BffState } from '../state.js';

export interface RequestSpec {
  method?: string;
  /** The request target, e.g. `/api/orders?x=1`. */
  url?: string;
  /** Header name -> value; also sent as raw header lines in this order. */
  headers?: Record<string, string>;
  httpVersion?: '1.0' | '1.1';
  /** A JSON body: sent with Content-Type application/json and its Content-Length. */
  json?: unknown;
}

const app = new Koa<BffState>({ keys: ['unit-test-session-key-0123456789abcdef'] });

/** A fresh context, with the request log the request-log middleware would have started. */
export function testContext(spec: RequestSpec = {}): BffContext {
  const req = new IncomingMessage(new Socket());
  req.method = spec.method ?? 'GET';
  req.url = spec.url ?? '/';
  const body = spec.json === undefined ? undefined : Buffer.from(JSON.stringify(spec.json));
  const headers: Record<string, string> = { host: 'localhost', ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}), ...spec.headers };
  req.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  req.rawHeaders = Object.entries(headers).flat();
  const [major, minor] = (spec.httpVersion ?? '1.1').split('.').map(Number) as [number, number];
  req.httpVersionMajor = major;
  req.httpVersionMinor = minor;
  if (body) {
    req.push(body);
    req.push(null);
  }
  const res = new ServerResponse(req);
  const ctx = app.createContext(req, res) as BffContext;
  ctx.state.requestId = 'test-1';
  ctx.state.log = {};
  return ctx;
}

export const TEST_CONFIG: PluginsConfig = {
  tenants: {
    localhost: [
      {
        id: 'hello',
        version: '1.0.0',
        engine: { experience: '>=1.0.0' },
        bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js' },
        permissions: { api: [{ method: 'GET', path: '/api/hello' }], sse: ['hello'] },
        rateLimit: { requestsPerSecond: 1, burst: 1 },
        contributions: { routes: [], widgets: [] },
      },
    ],
  },
  upstreams: [],
};

/** A snapshot whose engine answers as `engine` says (default: deny everything with the test catalogues' reasons). */
export function testSnapshot(engine: Partial<DecisionEngine> = {}, config: PluginsConfig = TEST_CONFIG): Snapshot {
  const revision = { id: 1, policy: 'p', data: 'd', config: 'c', identity: 'none', loadedAt: '2026-01-01T00:00:00Z' };
  return {
    engine: {
      revision,
      reasons: testCatalogues(),
      api: () => ({ allow: false, reason: 'refused' }),
      sse: () => ({ allow: false, reason: 'refused' }),
      contributions: () => ({ plugins: [] }),
      authz: () => ({ allow: false, reason: 'not_granted' }),
      ...engine,
    },
    config,
    identity: EMPTY_IDENTITY,
    revision,
  };
}

/** A source that always serves `snapshot` (or throws when given an Error). */
export function testSource(snapshot: Snapshot | Error): SnapshotSource {
  return {
    current: () => {
      if (snapshot instanceof Error) throw snapshot;
      return snapshot;
    },
    status: () => {
      throw new Error('not used');
    },
    subscribe: () => () => undefined,
  };
}

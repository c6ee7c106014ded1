import { pino } from 'pino';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.js';
import { recognisedPlugin } from '../middleware/plugin-guard/index.js';
import { createAgents } from '../proxy/forward.js';
import { testContext, testSnapshot } from '../testing/context.js';
import { pluginCallRoute, upstreamFor } from './plugin-call.js';

const fallback = new URL('http://upstream.default:8081');
const routes = [
  { prefix: '/api/catalog', url: 'http://catalog:8080' },
  { prefix: '/api/catalog/images', url: 'http://images:8080' },
  { prefix: '/api/search/', url: 'http://search:8080' },
];

// The route builds the access-token helper (sign-in) from the logger; nothing here logs.
const silentLogger = pino({ enabled: false });

describe('upstreamFor', () => {
  it.each([
    ['/api/catalog', 'http://catalog:8080/'],
    ['/api/catalog/books/1', 'http://catalog:8080/'],
    ['/api/catalog/images/1.png', 'http://images:8080/'],
    ['/api/catalog/images', 'http://images:8080/'],
    ['/api/search/q', 'http://search:8080/'],
    ['/api/catalogue', 'http://upstream.default:8081/'],
    ['/api/catalog-x/1', 'http://upstream.default:8081/'],
    ['/api/orders/1', 'http://upstream.default:8081/'],
  ])('%s goes to %s (longest whole-segment prefix, else UPSTREAM_URL)', (path, expected) => {
    expect(upstreamFor(path, routes, fallback).href).toBe(expected);
  });

  it('a "/" prefix takes every path a longer prefix does not', () => {
    const withRoot = [{ prefix: '/', url: 'http://root:1' }, ...routes];
    expect(upstreamFor('/api/orders/1', withRoot, fallback).href).toBe('http://root:1/');
    expect(upstreamFor('/api/catalog/x', withRoot, fallback).href).toBe('http://catalog:8080/');
  });

  it('no routes: UPSTREAM_URL', () => {
    expect(upstreamFor('/api/x', [], fallback)).toBe(fallback);
  });
});

describe('pluginCallRoute', () => {
  const seen: http.IncomingHttpHeaders[] = [];
  let upstream: http.Server;
  let url: URL;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('names the plugin the guard allowed (ctx.state.plugin) to the upstream, never what the log or the request says', async () => {
    const agents = createAgents();
    const deps = { settings: { upstreamUrl: url, upstreamTimeoutMs: 2000, proxyMaxBodyBytes: 1024 }, agents, logger: silentLogger } as unknown as AppDeps;
    const ctx = testContext({ url: '/api/hello?x=1', headers: { 'x-plugin-id': 'orders', 'x-experience-plugin': 'orders' } });
    ctx.state.snapshot = testSnapshot();
    ctx.state.tenant = 'localhost';
    ctx.state.session = { sid: 's', user: 'alice', roles: ['member', 'admin'], tenant: 'localhost', iat: 0, exp: 2e9 };
    ctx.state.plugin = recognisedPlugin('hello');
    ctx.state.log.plugin = 'something-else';
    await pluginCallRoute(deps)(ctx, async () => undefined);
    agents.close();
    expect(seen.at(-1)).toMatchObject({
      'x-experience-plugin': 'hello',
      'x-experience-tenant': 'localhost',
      'x-experience-user': 'alice',
      'x-experience-roles': 'member,admin',
      'x-request-id': 'test-1',
    });
  });

  it('will not forward a call no guard allowed', async () => {
    const ctx = testContext({ url: '/api/hello' });
    ctx.state.snapshot = testSnapshot();
    ctx.state.tenant = 'localhost';
    ctx.state.session = { sid: 's', user: 'alice', roles: [], tenant: 'localhost', iat: 0, exp: 2e9 };
    ctx.state.log.plugin = 'hello';
    const before = seen.length;
    await expect(pluginCallRoute({ settings: { upstreamUrl: url }, logger: silentLogger } as unknown as AppDeps)(ctx, async () => undefined)).rejects.toThrow('no guard step allowed a plugin');
    expect(seen.length).toBe(before);
  });
});

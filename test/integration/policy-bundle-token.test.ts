/**
 * A bundle server behind a bearer token (POLICY_BUNDLE_TOKEN), through the BFF as it starts:
 * the token goes on the first download and on every poll, and a BFF without it does not start,
 * saying why. A real bundle built by the pinned `opa`, from a loopback server that checks the token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildProjectBundle } from '../support/opa-bundle.js';
import { eventually, login, startBff, type TestBff } from './support/bff.js';

const TOKEN = 'bundle-token-0123456789abcdef';

let bundle: Buffer;
beforeAll(async () => {
  bundle = await buildProjectBundle({ revision: 'rev-1' });
}, 120_000);

/** Serves the bundle only to `Authorization: Bearer <TOKEN>` (401 otherwise); records what each request carried. */
async function tokenBundleServer() {
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    if (req.headers['if-none-match'] === '"b1"') return void res.writeHead(304, { ETag: '"b1"' }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: '"b1"' }).end(bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/experience.tar.gz`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let server: Awaited<ReturnType<typeof tokenBundleServer>> | undefined;
let bff: TestBff | undefined;
afterEach(async () => {
  await bff?.close();
  await server?.close();
  bff = server = undefined;
});

describe('POLICY_BUNDLE_TOKEN', () => {
  it('is sent on the download and on every poll; the bundle serves decisions', async () => {
    server = await tokenBundleServer();
    const s = server;
    bff = await startBff({ POLICY_BUNDLE_URL: s.url, POLICY_BUNDLE_TOKEN: TOKEN, POLICY_BUNDLE_POLL_S: '1' });
    const b = bff;
    const cookie = await login(b);
    const call = (p: string) => b.http().get(p).set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect((await call('/api/hello')).status).toBe(200);
    expect((await call('/api/orders')).status).toBe(403);
    await eventually(() => expect(s.seen.length).toBeGreaterThanOrEqual(3), 'two polls after the download', 400);
    expect(s.seen.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    // Never in the log, whatever logged the bundle source.
    const logged = JSON.stringify(b.logs());
    expect(logged).toContain('"msg":"BFF listening"');
    expect(logged).not.toContain(TOKEN);
  }, 60_000);

  it('without it the BFF does not start: policy_bundle_unreadable, naming the token', async () => {
    server = await tokenBundleServer();
    await expect(startBff({ POLICY_BUNDLE_URL: server.url })).rejects.toMatchObject({
      code: 'policy_bundle_unreadable',
      message: expect.stringContaining('answered 401: it may need POLICY_BUNDLE_TOKEN'),
    });
    expect(server.seen).toEqual([undefined]);
  }, 60_000);
});

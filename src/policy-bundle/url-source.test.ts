import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, devKey, keysYaml, type DevKey } from '../../test/support/opa-bundle.js';
import { parseBundleKeys } from './keys.js';
import { createUrlBundleSource, type UrlBundleSource } from './url-source.js';

const REGO = { 'p.rego': 'package t\n\n# METADATA\n# entrypoint: true\nallow := true\n' };

/** A loopback bundle server: serves `bundle` with `etag`, answers 304 to a matching If-None-Match, counts requests. */
interface BundleServer {
  url: string;
  requests: Array<{ ifNoneMatch: string | undefined; authorization: string | undefined }>;
  serve(next: { bundle?: Buffer; etag?: string | undefined; status?: number }): void;
  close(): Promise<void>;
}

async function bundleServer(bundle: Buffer, etag: string | undefined, options: { token?: string; redirectTo?: string } = {}): Promise<BundleServer> {
  let state: { bundle: Buffer; etag: string | undefined; status: number } = { bundle, etag, status: 200 };
  const requests: BundleServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'];
    requests.push({ ifNoneMatch, authorization: req.headers.authorization });
    if (options.redirectTo) return void res.writeHead(302, { Location: options.redirectTo }).end();
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end('no');
    if (state.status !== 200) return void res.writeHead(state.status).end('no');
    if (state.etag && ifNoneMatch === state.etag) return void res.writeHead(304, { ETag: state.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ...(state.etag ? { ETag: state.etag } : {}) }).end(state.bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/b.tar.gz?token=secret-token`,
    requests,
    serve: (next) => (state = { ...state, ...next, status: next.status ?? 200 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let v1: Buffer;
let v2: Buffer;
let key: DevKey;
let signedV1: Buffer;
let server: BundleServer | undefined;
let source: UrlBundleSource | undefined;

beforeAll(async () => {
  key = await devKey('RS256');
  [v1, v2, signedV1] = await Promise.all([
    buildBundle({ files: REGO, entrypoints: ['t/allow'], revision: 'v1' }),
    buildBundle({ files: REGO, entrypoints: ['t/allow'], revision: 'v2' }),
    buildBundle({ files: REGO, entrypoints: ['t/allow'], revision: 'v1', sign: { key, keyid: 'dev' } }),
  ]);
}, 60_000);

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

describe('createUrlBundleSource', () => {
  it('downloads on the first read, then asks with If-None-Match and keeps its bundle on 304', async () => {
    server = await bundleServer(v1, '"v1"');
    source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0 });
    expect((await source.read()).bundleRevision).toBe('v1');
    expect(await source.poll()).toBe('unchanged');
    expect(await source.poll()).toBe('unchanged');
    expect(server.requests).toEqual([{ ifNoneMatch: undefined }, { ifNoneMatch: '"v1"' }, { ifNoneMatch: '"v1"' }]);
    server.serve({ bundle: v2, etag: '"v2"' });
    expect(await source.poll()).toBe('changed');
    expect((await source.read()).bundleRevision).toBe('v2');
    expect(source.status()).toMatchObject({ source: 'url', signed: false, revision: 'v2', refused: {} });
  });

  it('a server without ETags: the same bytes again are no change', async () => {
    server = await bundleServer(v1, undefined);
    source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0 });
    await source.read();
    expect(await source.poll()).toBe('unchanged');
    expect(server.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, undefined]);
  });

  it('a server that fails changes nothing and is counted; the first read fails with policy_bundle_unreadable', async () => {
    server = await bundleServer(v1, '"v1"');
    source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0 });
    server.serve({ status: 503 });
    const first = await source.read().then(() => undefined, (e: unknown) => e);
    expect(first).toMatchObject({ code: 'policy_bundle_unreadable' });
    // No URL in the message (the reloader names the bundle as configured, without its query).
    expect((first as Error).message).toBe('the bundle server answered 503');
    server.serve({ status: 200 });
    expect((await source.read()).bundleRevision).toBe('v1');
    server.serve({ status: 500 });
    expect(await source.poll()).toBe('failed');
    expect((await source.read()).bundleRevision).toBe('v1');
    expect(source.status().refused).toEqual({ policy_bundle_unreadable: 2 });
  });

  it('refuses a bundle larger than the limit', async () => {
    server = await bundleServer(v1, '"v1"');
    source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0, maxBytes: 100 });
    await expect(source.read()).rejects.toMatchObject({ code: 'policy_bundle_unreadable', message: 'the bundle is larger than 100 bytes' });
  });

  it('with keys, a downloaded bundle that is unsigned is refused at read and counted', async () => {
    server = await bundleServer(signedV1, '"s1"');
    const keys = await parseBundleKeys(keysYaml({ dev: { key } }), '.');
    source = createUrlBundleSource({ url: new URL(server.url), keys, pollSeconds: 0 });
    expect(await source.read()).toMatchObject({ bundleRevision: 'v1' });
    server.serve({ bundle: v2, etag: '"v2"' });
    expect(await source.poll()).toBe('changed');
    await expect(source.read()).rejects.toMatchObject({ code: 'policy_bundle_unsigned' });
    expect(source.status()).toMatchObject({ signed: true, revision: 'v1', refused: { policy_bundle_unsigned: 1 }, lastRefusal: { code: 'policy_bundle_unsigned' } });
  });

  describe('with a token (POLICY_BUNDLE_TOKEN)', () => {
    const token = 'bundle-token-0123456789';
    let other: BundleServer | undefined;
    afterEach(async () => {
      await other?.close();
      other = undefined;
    });

    it('sends it as a bearer token on every request, the first and the polls', async () => {
      server = await bundleServer(v1, '"v1"', { token });
      source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0, token });
      expect(await source.read()).toMatchObject({ bundleRevision: 'v1' });
      expect(await source.poll()).toBe('unchanged');
      expect(server.requests.map((r) => r.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    });

    it.each([
      ['without a token', undefined, ': it may need POLICY_BUNDLE_TOKEN'],
      ['with a wrong token', 'wrong-token-0123456789', ': check POLICY_BUNDLE_TOKEN'],
    ])('a server that wants one answers 401 %s: refused as unreadable, saying what to check', async (_, sent, hint) => {
      server = await bundleServer(v1, '"v1"', { token });
      source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0, ...(sent ? { token: sent } : {}) });
      await expect(source.read()).rejects.toMatchObject({ code: 'policy_bundle_unreadable', message: `the bundle server answered 401${hint}` });
    });

    it('a redirect is not followed: the token never reaches another server', async () => {
      other = await bundleServer(v1, '"v1"');
      server = await bundleServer(v1, '"v1"', { redirectTo: other.url });
      source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0, token });
      await expect(source.read()).rejects.toMatchObject({ code: 'policy_bundle_unreadable', message: expect.stringContaining('answered 302: a redirect is not followed') });
      expect(other.requests).toEqual([]);
      // Without a token a redirect is followed, as before.
      await source.close();
      source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 0 });
      expect(await source.read()).toMatchObject({ bundleRevision: 'v1' });
      expect(other.requests).toHaveLength(1);
    });
  });

  it('polls on its own once started, and reports a change; close stops it', async () => {
    server = await bundleServer(v1, '"v1"');
    source = createUrlBundleSource({ url: new URL(server.url), keys: undefined, pollSeconds: 1 });
    await source.read();
    const changed = new Promise<void>((resolve) => source!.start(resolve));
    server.serve({ bundle: v2, etag: '"v2"' });
    await changed;
    await source.close();
    const seen = server.requests.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.requests.length).toBe(seen);
  }, 15_000);
});

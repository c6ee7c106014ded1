/**
 * The two forms of the bundle URL: `entry=<id>&id=<id>` (the configuration reference's form:
 * the plugin's current version, revalidated on every use) and `entry=<id>@<version>&id=<id>`
 * (what the manifests hand out: that version only). Both are revalidated (a reload may re-pin
 * what a version serves, see reload-fields.test.ts) and both check integrity; `entry` must name the
 * plugin `id` names. Each row also asserts which files the BFF read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingStore } from './support/recording-store.js';
import { eventually, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { HELLO_JS, ORDERS_JS } from './support/fixture.js';

let bff: TestBff;
let cookie: string;
const store = new RecordingStore();

beforeAll(async () => {
  bff = await startBff({}, { bundles: store });
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
});
afterAll(async () => {
  await bff?.close();
});
beforeEach(() => {
  store.reads.length = 0;
});

const bundle = (query: string, options: { host?: string; cookie?: string | null; ifNoneMatch?: string } = {}) => {
  let req = bff.http().get(`/api/plugins/bundle?${query}`).set('Host', options.host ?? 'localhost');
  if (options.cookie !== null) req = req.set('Cookie', options.cookie ?? cookie);
  if (options.ifNoneMatch !== undefined) req = req.set('If-None-Match', options.ifNoneMatch);
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
};
const bodyOf = (res: { body: unknown }) => res.body as Buffer;
const fileOf = (id: string, version: string) => path.join(bff.fixture.pluginsRoot, id, version, 'index.esm.js');

const REVALIDATE = 'private, no-cache';

describe('both forms serve the bundle', () => {
  it.each([
    { name: '<id>', query: 'entry=hello&id=hello', bytes: HELLO_JS, file: ['hello', '1.0.0'], cache: REVALIDATE },
    { name: '<id>@<version>', query: 'entry=hello%401.0.0&id=hello', bytes: HELLO_JS, file: ['hello', '1.0.0'], cache: REVALIDATE },
    { name: '<id>@<version>, @ not encoded', query: 'entry=hello@1.0.0&id=hello', bytes: HELLO_JS, file: ['hello', '1.0.0'], cache: REVALIDATE },
    { name: '<id>, parameters swapped', query: 'id=hello&entry=hello', bytes: HELLO_JS, file: ['hello', '1.0.0'], cache: REVALIDATE },
    { name: '<id> without integrity configured', query: 'entry=orders&id=orders', bytes: ORDERS_JS, file: ['orders', '2.1.0'], cache: REVALIDATE },
    { name: '<id>@<version> without integrity configured', query: 'entry=orders%402.1.0&id=orders', bytes: ORDERS_JS, file: ['orders', '2.1.0'], cache: REVALIDATE },
  ])('$name -> 200, $cache', async ({ query, bytes, file, cache }) => {
    const res = await bundle(query);
    expect(res.status).toBe(200);
    expect(Buffer.compare(bodyOf(res), bytes)).toBe(0);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers.etag).toMatch(/^"/);
    expectSecurityHeaders(res);
    expect(store.reads).toEqual([fileOf(file[0] as string, file[1] as string)]);
  });

  it.each([
    ['<id>', 'entry=hello&id=hello', REVALIDATE],
    ['<id>@<version>', 'entry=hello%401.0.0&id=hello', REVALIDATE],
  ])('%s: 304 to If-None-Match with the ETag, with the same caching headers', async (_name, query, cache) => {
    const first = await bundle(query);
    const etag = first.headers.etag as string;
    const res = await bundle(query, { ifNoneMatch: etag });
    expect(res.status).toBe(304);
    expect(bodyOf(res).length).toBe(0);
    expect(res.headers.etag).toBe(etag);
    expect(res.headers['cache-control']).toBe(cache);
    const stale = await bundle(query, { ifNoneMatch: '"not-the-etag"' });
    expect(stale.status).toBe(200);
  });

  it('both forms name the same bytes, so they carry the same ETag', async () => {
    const plain = await bundle('entry=hello&id=hello');
    const versioned = await bundle('entry=hello%401.0.0&id=hello');
    expect(plain.headers.etag).toBe(versioned.headers.etag);
  });
});

describe('integrity is checked in both forms', () => {
  it.each([
    ['<id>', 'entry=tampered&id=tampered'],
    ['<id>@<version>', 'entry=tampered%401.0.0&id=tampered'],
  ])('%s of a tampered bundle -> 409, X-Integrity-Error, empty, no-store, never a 304', async (_name, query) => {
    for (const ifNoneMatch of [undefined, '*']) {
      const res = await bundle(query, { ifNoneMatch });
      expect(res.status).toBe(409);
      expect(res.headers['x-integrity-error']).toBe('1');
      expect(bodyOf(res).length).toBe(0);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.etag).toBeUndefined();
      expectSecurityHeaders(res);
    }
    expect(store.reads).toEqual([fileOf('tampered', '1.0.0'), fileOf('tampered', '1.0.0')]);
  });
});

describe('entry and id must agree; refusals read no file', () => {
  it.each([
    // entry names another plugin than id: the query contradicts itself (decided without the config)
    { name: '<id> of another plugin', query: 'entry=orders&id=hello', status: 400, code: 'invalid_query' },
    { name: '<id>@<version> of another plugin', query: 'entry=orders%402.1.0&id=hello', status: 400, code: 'invalid_query' },
    { name: '<id>@<version> of another plugin, the version of id', query: 'entry=orders%401.0.0&id=hello', status: 400, code: 'invalid_query' },
    { name: 'entry of another case', query: 'entry=HELLO&id=hello', status: 400, code: 'invalid_query' },
    { name: 'id of another case', query: 'entry=hello%401.0.0&id=HELLO', status: 400, code: 'invalid_query' },
    { name: 'entry with a trailing space (+)', query: 'entry=hello+&id=hello', status: 400, code: 'invalid_query' },
    { name: 'entry with a leading space (%20)', query: 'entry=%20hello&id=hello', status: 400, code: 'invalid_query' },
    { name: 'empty version', query: 'entry=hello%40&id=hello', status: 400, code: 'invalid_query' },
    { name: 'empty id before the version', query: 'entry=%401.0.0&id=hello', status: 400, code: 'invalid_query' },
    { name: 'double-encoded @', query: 'entry=hello%25401.0.0&id=hello', status: 400, code: 'invalid_query' },
    { name: 'a file path as entry', query: 'entry=%2Fapp%2Fplugins%2Fhello%2F1.0.0%2Findex.esm.js&id=hello', status: 400, code: 'invalid_query' },
    { name: 'empty entry', query: 'entry=&id=hello', status: 400, code: 'invalid_query' },
    { name: 'no id', query: 'entry=hello', status: 400, code: 'invalid_query' },
    { name: 'id twice', query: 'entry=hello&id=hello&id=hello', status: 400, code: 'invalid_query' },
    { name: 'entry twice, both forms', query: 'entry=hello&entry=hello%401.0.0&id=hello', status: 400, code: 'invalid_query' },
    // they agree, and there is no such bundle
    { name: 'another version', query: 'entry=hello%402.0.0&id=hello', status: 404, code: 'bundle_not_found' },
    { name: 'a version with a suffix', query: 'entry=hello%401.0.0%40x&id=hello', status: 404, code: 'bundle_not_found' },
    { name: 'unknown plugin', query: 'entry=ghost&id=ghost', status: 404, code: 'bundle_not_found' },
    { name: 'incompatible plugin', query: 'entry=legacy&id=legacy', status: 404, code: 'bundle_not_found' },
    { name: 'missing file', query: 'entry=missing&id=missing', status: 404, code: 'bundle_not_found' },
    { name: 'symlink out of the plugin folder', query: 'entry=linked&id=linked', status: 404, code: 'bundle_not_found' },
    { name: 'prototype key', query: 'entry=__proto__&id=__proto__', status: 404, code: 'bundle_not_found' },
    { name: 'dot-dot as id', query: 'entry=..%2F..%2Fsecret.js&id=..%2F..%2Fsecret.js', status: 404, code: 'bundle_not_found' },
    { name: 'absolute path as id', query: 'entry=%2Fetc%2Fpasswd&id=%2Fetc%2Fpasswd', status: 404, code: 'bundle_not_found' },
    { name: 'another tenant\'s plugin', query: 'entry=orders&id=orders', host: 'acme.localhost', status: 404, code: 'bundle_not_found' },
    { name: 'no session', query: 'entry=hello&id=hello', cookie: null, status: 401, code: 'unauthenticated' },
  ])('$name -> $status $code', async ({ query, status, code, host, cookie: who }) => {
    const sessionCookie = host === undefined ? undefined : await login(bff, 'alice', ['member'], host);
    store.reads.length = 0;
    const res = await bundle(query, { host, cookie: who === null ? null : sessionCookie });
    expect(res.status).toBe(status);
    expect(JSON.parse(bodyOf(res).toString('utf8'))).toEqual({ code, message: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(res);
    expect(bodyOf(res).toString('utf8')).not.toContain(bff.fixture.dir);
    expect(bodyOf(res).toString('utf8')).not.toContain('must never be served');
    expect(store.reads, 'no file read').toEqual([]);
  });
});

describe('<id> follows the configured version', () => {
  it('after a reload to a new version: <id> serves it (the old ETag no longer matches), the old <id>@<version> is gone', async () => {
    const before = await bundle('entry=orders&id=orders');
    expect(before.status).toBe(200);
    const next = Buffer.from('export default { id: "orders", version: "2.2.0" };\n');
    await mkdir(path.dirname(fileOf('orders', '2.2.0')), { recursive: true });
    await writeFile(fileOf('orders', '2.2.0'), next);
    await bff.fixture.editPlugins((text) => text.replace('version: "2.1.0"', 'version: "2.2.0"').replace('/app/plugins/orders/2.1.0/', '/app/plugins/orders/2.2.0/'));
    await eventually(async () => expect((await bundle('entry=orders%402.2.0&id=orders')).status).toBe(200), 'the reload to orders 2.2.0');

    const revalidated = await bundle('entry=orders&id=orders', { ifNoneMatch: before.headers.etag as string });
    expect(revalidated.status).toBe(200);
    expect(Buffer.compare(bodyOf(revalidated), next)).toBe(0);
    expect(revalidated.headers.etag).not.toBe(before.headers.etag);
    expect(revalidated.headers['cache-control']).toBe(REVALIDATE);
    expect((await bundle('entry=orders%402.1.0&id=orders')).status).toBe(404);
    expect((await bundle('entry=orders%402.2.0&id=orders')).headers['cache-control']).toBe(REVALIDATE);
  });
});

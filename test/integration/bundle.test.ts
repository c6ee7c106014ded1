import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { HELLO_JS, ORDERS_JS } from './support/fixture.js';

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff);
});
afterAll(async () => {
  await bff?.close();
});

const bundle = (query: string, host = 'localhost') =>
  bff.http().get(`/api/plugins/bundle?${query}`).set('Host', host).set('Cookie', cookie).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

describe('GET /api/plugins/bundle', () => {
  it('serves the exact bytes of the bundle file as JavaScript with caching headers', async () => {
    const res = await bundle('entry=hello%401.0.0&id=hello');
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, HELLO_JS)).toBe(0);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBeTruthy();
    // Revalidated, not immutable: a reload may change what id@version serves (test/integration/reload-fields.test.ts).
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expectSecurityHeaders(res);
  });

  it('serves a bundle without integrity too (no check to make)', async () => {
    const res = await bundle('entry=orders%402.1.0&id=orders');
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, ORDERS_JS)).toBe(0);
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const first = await bundle('entry=hello%401.0.0&id=hello');
    const res = await bundle('entry=hello%401.0.0&id=hello').set('If-None-Match', first.headers.etag as string);
    expect(res.status).toBe(304);
    expect((res.body as Buffer).length).toBe(0);
    expect(res.headers.etag).toBe(first.headers.etag);
  });

  it('refuses mismatching integrity: 409, X-Integrity-Error, empty body, never cached', async () => {
    const res = await bundle('entry=tampered%401.0.0&id=tampered');
    expect(res.status).toBe(409);
    expect(res.headers['x-integrity-error']).toBe('1');
    expect((res.body as Buffer).length).toBe(0);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
    expectSecurityHeaders(res);
    // Even with a matching-looking If-None-Match it is never a 304.
    const again = await bundle('entry=tampered%401.0.0&id=tampered').set('If-None-Match', '*');
    expect(again.status).toBe(409);
  });

  it('is 404 for a plugin of another tenant, an incompatible plugin, a wrong version or a missing file', async () => {
    expect((await bundle('entry=limited%401.0.0&id=limited')).status).toBe(200);
    const acmeCookie = await login(bff, 'alice', [], 'acme.localhost');
    const acme = await bff.http().get('/api/plugins/bundle?entry=orders%402.1.0&id=orders').set('Host', 'acme.localhost').set('Cookie', acmeCookie);
    expect(acme.status).toBe(404);
    for (const query of [
      'entry=legacy%400.9.0&id=legacy',
      'entry=hello%402.0.0&id=hello',
      'entry=missing%401.0.0&id=missing',
    ]) {
      const res = await bundle(query);
      expect(res.status, query).toBe(404);
      expect(JSON.parse((res.body as Buffer).toString()).code).toBe('bundle_not_found');
    }
    // An entry naming another plugin than id is a contradiction, not a missing bundle.
    const mixed = await bundle('entry=hello%401.0.0&id=orders');
    expect(mixed.status).toBe(400);
    expect(JSON.parse((mixed.body as Buffer).toString()).code).toBe('invalid_query');
  });

  it('never follows a symlink out of the plugin folder', async () => {
    const res = await bundle('entry=linked%401.0.0&id=linked');
    expect(res.status).toBe(404);
    expect((res.body as Buffer).toString()).not.toContain('must never be served');
    expect((res.body as Buffer).toString()).not.toContain(bff.fixture.dir);
  });

  it('picks up a rebuilt file: new bytes, new ETag', async () => {
    const { writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const file = path.join(bff.fixture.pluginsRoot, 'orders', '2.1.0', 'index.esm.js');
    const first = await bundle('entry=orders%402.1.0&id=orders');
    const rebuilt = Buffer.from('export default { id: "orders", rebuilt: true, padding: "............" };\n');
    await writeFile(file, rebuilt);
    const second = await bundle('entry=orders%402.1.0&id=orders');
    expect(Buffer.compare(second.body as Buffer, rebuilt)).toBe(0);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    await writeFile(file, ORDERS_JS);
  });

  it('notices a file swapped for a symlink out of the root after it was served', async () => {
    const { rename, symlink } = await import('node:fs/promises');
    const path = await import('node:path');
    const file = path.join(bff.fixture.pluginsRoot, 'limited', '1.0.0', 'index.esm.js');
    expect((await bundle('entry=limited%401.0.0&id=limited')).status).toBe(200);
    await rename(file, `${file}.bak`);
    await symlink(bff.fixture.secretFile, file);
    const res = await bundle('entry=limited%401.0.0&id=limited');
    expect(res.status).toBe(404);
    expect((res.body as Buffer).toString()).not.toContain('must never be served');
  });
});

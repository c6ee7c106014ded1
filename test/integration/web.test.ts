import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startBff();
});
afterAll(async () => {
  await bff?.close();
});

const get = (path: string) => bff.http().get(path).set('Host', 'localhost');

describe('the web shell', () => {
  it('serves index.html at / without a session, never cached', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<title>Experience</title>');
    expectSecurityHeaders(res);
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const path of ['/hello', '/orders/1001', '/settings/']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.text).toContain('<title>Experience</title>');
    }
  });

  it('serves hashed assets as immutable, other files revalidated', async () => {
    const asset = await get('/assets/app-1a2b3c.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await get('/favicon.svg');
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('leaves the reserved prefixes to the BFF', async () => {
    for (const path of ['/auth/whatever', '/events/', '/configs/stream', '/stream/x', '/api']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('never serves files outside WEB_ROOT', async () => {
    for (const path of ['/../secret.js', '/assets/..%2f..%2fsecret.js', '/%2e%2e/secret.js', '/..%5csecret.js']) {
      const res = await rawRequest(bff.port, `GET ${path} HTTP/1.1\r\nHost: localhost`);
      expect([400, 404], path).toContain(res.status);
      expect(res.body).not.toContain('must never be served');
    }
  });

  it('404 for a host that is not a tenant', async () => {
    const res = await bff.http().get('/').set('Host', 'evil.example');
    expect(res.status).toBe(404);
  });
});

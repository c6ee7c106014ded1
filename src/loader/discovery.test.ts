import { describe, expect, it } from 'vitest';
import { createFakeFetch, jsonResponse } from '../sdk/testing/fake-fetch.js';
import { createManifestClient } from './discovery.js';
import { DiscoveryError } from './errors/index.js';

describe('manifest discovery', () => {
  it('revalidates with the ETag and reuses the cached document on 304', async () => {
    let etag = '"r1"';
    const fake = createFakeFetch((req) =>
      req.headers.get('if-none-match') === etag
        ? new Response(null, { status: 304 })
        : jsonResponse(200, { revision: etag, plugins: [{ id: 'hello' }] }, { ETag: etag }),
    );
    const client = createManifestClient(fake.fetch);
    const first = await client.discover('alice@localhost');
    const second = await client.discover('alice@localhost');
    expect(first.changed).toBe(true);
    expect(second).toEqual({ document: first.document, changed: false });
    expect(fake.requests.map((r) => r.headers.get('if-none-match'))).toEqual([null, '"r1"']);
    expect(fake.requests[0]?.url).toBe('/api/plugins/manifests');

    // A browser that revalidated through its own cache answers 200 with the same ETag: unchanged too.
    const viaCache = createManifestClient(createFakeFetch(() => jsonResponse(200, { revision: 'x', plugins: [] }, { ETag: '"same"' })).fetch);
    const a = await viaCache.discover('alice@localhost');
    expect(await viaCache.discover('alice@localhost')).toEqual({ document: a.document, changed: false });

    etag = '"r2"'; // the manifest changed on the server
    const third = await client.discover('alice@localhost');
    expect(third.changed).toBe(true);
    expect(third.document.revision).toBe('"r2"');
  });

  it("never revalidates one user's cache for another user", async () => {
    const fake = createFakeFetch(() => jsonResponse(200, { revision: 'r', plugins: [] }, { ETag: '"same"' }));
    const client = createManifestClient(fake.fetch);
    await client.discover('alice@localhost');
    await client.discover('bob@localhost');
    expect(fake.requests.map((r) => r.headers.get('if-none-match'))).toEqual([null, null]);
    client.reset();
    await client.discover('bob@localhost');
    expect(fake.requests[2]?.headers.get('if-none-match')).toBeNull();
  });

  it('throws DiscoveryError with the status (401: session gone) or on a bad shape', async () => {
    const unauth = createManifestClient(createFakeFetch(() => jsonResponse(401, { code: 'unauthenticated' })).fetch);
    await expect(unauth.discover('x')).rejects.toMatchObject({ name: 'DiscoveryError', status: 401 });
    const bad = createManifestClient(createFakeFetch(() => jsonResponse(200, { nope: 1 })).fetch);
    await expect(bad.discover('x')).rejects.toBeInstanceOf(DiscoveryError);
  });
});

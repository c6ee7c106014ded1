import { describe, expect, it } from 'vitest';
import { AllowlistViolationError, CrossOriginRequestError, HttpError, NetworkError, RateLimitError } from '../errors/index.js';
import { createFakeFetch, jsonResponse } from '../testing/fake-fetch.js';
import { createApiFetch } from './fetch.js';

const origin = 'https://experience.test';

function setup(responder = () => jsonResponse(200, { ok: true })) {
  const fake = createFakeFetch(responder);
  return { fake, apiFetch: createApiFetch({ pluginId: 'orders', origin, fetch: fake.fetch }) };
}

describe('api.fetch', () => {
  it('stamps X-Plugin-Id on every request, same-origin with cookies', async () => {
    const { fake, apiFetch } = setup();
    await apiFetch('/api/orders');
    await apiFetch('/api/orders/1/notes', { method: 'post', body: '{}' });
    expect(fake.requests.map((r) => r.headers.get('x-plugin-id'))).toEqual(['orders', 'orders']);
    expect(fake.requests[0]?.url).toBe('https://experience.test/api/orders');
    expect(fake.requests[1]?.method).toBe('POST');
    expect(fake.requests[0]?.init.credentials).toBe('same-origin');
    expect(fake.requests[0]?.init.mode).toBe('same-origin');
  });

  it('overwrites an X-Plugin-Id the plugin tried to set itself', async () => {
    const { fake, apiFetch } = setup();
    await apiFetch('/api/orders', { headers: { 'X-Plugin-Id': 'someone-else', 'X-Other': 'kept' } });
    expect(fake.requests[0]?.headers.get('x-plugin-id')).toBe('orders');
    expect(fake.requests[0]?.headers.get('x-other')).toBe('kept');
  });

  it('refuses a cross-origin URL before sending anything', async () => {
    const { fake, apiFetch } = setup();
    const err = await apiFetch('https://evil.test/api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrossOriginRequestError);
    expect(err).toMatchObject({ code: 'cross_origin', pluginId: 'orders', method: 'GET', url: 'https://evil.test/api/orders' });
    await expect(apiFetch('//evil.test/x')).rejects.toBeInstanceOf(CrossOriginRequestError);
    expect(fake.requests).toHaveLength(0);
  });

  it('throws AllowlistViolationError on 403 with X-Allowlist-Violation', async () => {
    const { apiFetch } = setup(() =>
      jsonResponse(403, { code: 'allowlist_violation', message: 'GET /api/orders is not on the allow-list' }, { 'X-Allowlist-Violation': '1' }),
    );
    const err = await apiFetch('/api/orders?page=2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllowlistViolationError);
    expect(err).toMatchObject({
      code: 'allowlist_violation', status: 403, allowlistViolation: true, pluginId: 'orders',
      method: 'GET', url: '/api/orders?page=2', serverCode: 'allowlist_violation',
    });
    expect((err as Error).message).toContain('[orders] GET /api/orders?page=2');
    expect((err as Error).name).toBe('AllowlistViolationError');
  });

  it('throws RateLimitError with Retry-After on 429', async () => {
    const { apiFetch } = setup(() => jsonResponse(429, { code: 'rate_limited', message: 'slow down' }, { 'Retry-After': '3' }));
    const err = await apiFetch('/api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfter: 3, allowlistViolation: false });
  });

  it('throws a plain HttpError on other statuses, even without a JSON body', async () => {
    const { apiFetch } = setup(() => new Response('upstream down', { status: 502 }));
    const err = await apiFetch('/api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).not.toBeInstanceOf(AllowlistViolationError);
    expect(err).toMatchObject({ code: 'http_error', status: 502, serverCode: undefined });
  });

  it('a 403 without the violation header is not an allow-list violation', async () => {
    const { apiFetch } = setup(() => jsonResponse(403, { code: 'missing_plugin_id', message: 'no id' }));
    const err = await apiFetch('/api/orders').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(AllowlistViolationError);
    expect(err).toMatchObject({ status: 403, allowlistViolation: false });
  });

  it('wraps a network failure, but lets an abort through untouched', async () => {
    const { apiFetch } = setup(() => { throw new TypeError('Failed to fetch'); });
    const err = await apiFetch('/api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).cause).toBeInstanceOf(TypeError);
    const aborted = new AbortController();
    aborted.abort();
    const abortErr = await setup().apiFetch('/api/orders', { signal: aborted.signal }).catch((e: unknown) => e);
    expect((abortErr as Error).name).toBe('AbortError');
  });
});

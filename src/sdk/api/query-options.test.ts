import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { AllowlistViolationError, HttpError, NetworkError, RateLimitError } from '../errors/index.js';
import { createTelemetry } from '../telemetry/index.js';
import { createFakeFetch, jsonResponse } from '../testing/fake-fetch.js';
import { createApiFetch } from './fetch.js';
import { createApiJson } from './json.js';
import { queryKeyFor, queryOptionsFor, retryDelay, shouldRetry } from './query-options.js';

const where = { pluginId: 'orders', method: 'GET', url: '/api/orders' };

function setup() {
  const fake = createFakeFetch(() => jsonResponse(200, [{ id: 'A-1' }]));
  const ctx = { pluginId: 'orders', origin: 'https://experience.test', fetch: fake.fetch };
  const sink = { send: vi.fn() };
  return { fake, sink, json: createApiJson(ctx, createApiFetch(ctx)), telemetry: createTelemetry('orders', sink) };
}

describe('api.useQuery options', () => {
  it('namespaces every key by plugin id', () => {
    expect(queryKeyFor('orders', '/api/orders')).toEqual(['plugin', 'orders', 'GET', '/api/orders']);
    expect(queryKeyFor('orders')).toEqual(['plugin', 'orders']);
  });

  it('de-duplicates concurrent requests and serves the cache afterwards', async () => {
    const { fake, json, telemetry } = setup();
    const client = new QueryClient();
    const opts = queryOptionsFor('orders', '/api/orders', {}, json, telemetry);
    const [a, b] = await Promise.all([client.fetchQuery(opts), client.fetchQuery(opts)]);
    await client.fetchQuery(opts);
    expect(a).toEqual([{ id: 'A-1' }]);
    expect(b).toBe(a);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers.get('x-plugin-id')).toBe('orders');
  });

  it('two plugins asking for the same path never share an entry', async () => {
    const { fake, json, telemetry } = setup();
    const client = new QueryClient();
    await client.fetchQuery(queryOptionsFor('orders', '/api/orders', {}, json, telemetry));
    await client.fetchQuery(queryOptionsFor('sneaky', '/api/orders', {}, json, telemetry));
    expect(fake.requests).toHaveLength(2);
  });

  it('a null path disables the query', () => {
    const { json, telemetry } = setup();
    expect(queryOptionsFor('orders', null, {}, json, telemetry).enabled).toBe(false);
    expect(queryOptionsFor('orders', '/x', { enabled: false }, json, telemetry).enabled).toBe(false);
  });

  it('times the fetch as a telemetry metric when asked', async () => {
    const { json, telemetry, sink } = setup();
    await new QueryClient().fetchQuery(queryOptionsFor('orders', '/api/orders', { metric: 'orders.list' }, json, telemetry));
    expect(sink.send).toHaveBeenCalledWith(expect.objectContaining({
      plugin: 'orders', kind: 'metric', name: 'orders.list',
      data: expect.objectContaining({ unit: 'ms', outcome: 'ok', path: '/api/orders' }),
    }));
  });

  it('retries what may heal, never an allow-list refusal', () => {
    expect(shouldRetry(0, new NetworkError({ ...where, cause: 'x' }))).toBe(true);
    expect(shouldRetry(0, new HttpError({ ...where, status: 503 }))).toBe(true);
    expect(shouldRetry(0, new RateLimitError({ ...where, status: 429 }))).toBe(true);
    expect(shouldRetry(0, new AllowlistViolationError({ ...where, status: 403 }))).toBe(false);
    expect(shouldRetry(0, new HttpError({ ...where, status: 404 }))).toBe(false);
    expect(shouldRetry(2, new HttpError({ ...where, status: 503 }))).toBe(false);
    expect(retryDelay(0, new RateLimitError({ ...where, status: 429, retryAfter: 3 }))).toBe(3000);
    expect(retryDelay(5, new HttpError({ ...where, status: 503 }))).toBe(8000);
  });
});

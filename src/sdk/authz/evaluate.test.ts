import { describe, expect, it } from 'vitest';
import { createApiFetch } from '../api/fetch.js';
import { createApiJson } from '../api/json.js';
import { HttpError } from '../errors/index.js';
import { createFakeFetch, jsonResponse } from '../testing/fake-fetch.js';
import { createAuthz } from './evaluate.js';

function setup(status: number, body: unknown) {
  const fake = createFakeFetch(() => jsonResponse(status, body));
  const ctx = { pluginId: 'orders', origin: 'https://experience.test', fetch: fake.fetch };
  return { fake, authz: createAuthz(createApiJson(ctx, createApiFetch(ctx))) };
}

describe('authz.evaluate', () => {
  it('asks the PDP with resource and action, as the plugin', async () => {
    const { fake, authz } = setup(200, { allow: true, reason: 'granted' });
    expect(await authz.evaluate('orders.page', 'view')).toEqual({ allow: true, reason: 'granted' });
    const req = fake.requests[0];
    expect(req).toMatchObject({ url: 'https://experience.test/api/authz/evaluate', method: 'POST' });
    expect(JSON.parse(req?.body ?? '')).toEqual({ resource: 'orders.page', action: 'view' });
    expect(req?.headers.get('x-plugin-id')).toBe('orders');
    expect(req?.headers.get('content-type')).toBe('application/json');
  });

  it('treats anything but allow: true as a deny, and throws typed errors', async () => {
    expect(await setup(200, { allow: 'yes' }).authz.evaluate('a', 'b')).toEqual({ allow: false, reason: 'unknown' });
    await expect(setup(401, { code: 'unauthenticated' }).authz.evaluate('a', 'b')).rejects.toBeInstanceOf(HttpError);
  });
});

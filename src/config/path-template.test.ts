import { describe, expect, it } from 'vitest';
import { parseApiTemplate } from './path-template.js';

describe('parseApiTemplate', () => {
  it('splits exact, parameter and prefix templates into segments', () => {
    expect(parseApiTemplate('/api/orders')).toEqual({ ok: true, value: { template: '/api/orders', prefix: false, segments: [{ literal: 'api' }, { literal: 'orders' }] } });
    expect(parseApiTemplate('/api/orders/{id}/notes')).toEqual({
      ok: true,
      value: { template: '/api/orders/{id}/notes', prefix: false, segments: [{ literal: 'api' }, { literal: 'orders' }, { param: 'id' }, { literal: 'notes' }] },
    });
    expect(parseApiTemplate('/api/catalog/**')).toEqual({ ok: true, value: { template: '/api/catalog/**', prefix: true, segments: [{ literal: 'api' }, { literal: 'catalog' }] } });
  });

  it('keeps literals case-sensitive and as written', () => {
    expect(parseApiTemplate('/API/Orders')).toEqual({ ok: true, value: { template: '/API/Orders', prefix: false, segments: [{ literal: 'API' }, { literal: 'Orders' }] } });
  });

  it('explains a refusal', () => {
    expect(parseApiTemplate('/api/**/x')).toEqual({ ok: false, reason: '"**" may only be the last segment' });
  });
});

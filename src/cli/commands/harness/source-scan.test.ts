import { describe, expect, it } from 'vitest';
import { scanSource, templatePattern } from './source-scan.js';

const scan = (code: string, name = 'x.tsx') => scanSource(name, code);

describe('scanSource', () => {
  it('reads SDK calls with their methods', async () => {
    const r = await scan(`
      sdk.api.useQuery('/api/orders', { metric: 'x' });
      sdk.api.fetch('/api/orders/42?full=1');
      sdk.api.json(\`/api/orders/\${id}/notes\`, { method: 'post', json: {} });
      api.fetch('/api/things', init);
    `);
    expect(r.api.map((a) => [a.via, a.method, a.methodKnown, a.text])).toEqual([
      ['useQuery', 'GET', true, '/api/orders'],
      ['fetch', 'GET', true, '/api/orders/42?full=1'],
      ['json', 'POST', true, '/api/orders/${…}/notes'],
      ['fetch', undefined, false, '/api/things'],
    ]);
    expect(r.api[1]?.pattern).toEqual([{ literal: 'api' }, { literal: 'orders' }, { literal: '42' }]);
    expect(r.api[0]?.at).toEqual({ file: 'x.tsx', line: 2, col: 24 });
  });

  it('finds API path strings outside calls, but not imports, types or prose', async () => {
    const r = await scan(`
      import type { X } from '/api/not-a-call';
      type P = '/api/type-only';
      const url = '/api/reports/daily';
      const text = 'GET /api/orders is refused';
      const other = '/shared/react.js';
    `);
    expect(r.api.map((a) => [a.via, a.method, a.text])).toEqual([['literal', undefined, '/api/reports/daily']]);
  });

  it('reads topics and reports computed ones as undecided', async () => {
    const r = await scan(`sdk.sse.subscribe(['orders', topic], h); e.sse.subscribe("sneaky.x", h);`, 'b.js');
    expect(r.topics.map((t) => t.topic)).toEqual(['orders', 'sneaky.x']);
    expect(r.undecided).toEqual([{ message: 'sse.subscribe with a computed topic (topic)', at: { file: 'b.js', line: 1, col: 30 } }]);
  });

  it('marks other origins, computed paths, SDK bypasses and computed imports', async () => {
    const r = await scan(`
      sdk.api.fetch('https://example.com/x');
      sdk.api.fetch(base + '/api/x');
      fetch('/api/raw');
      new EventSource('/events');
      import(name);
      import('../../static.js');
    `, 'c.js');
    expect(r.api[0]?.external).toBe('https://example.com/x');
    expect(r.undecided[0]?.message).toBe("api.fetch with a computed path (base + '/api/x')");
    expect(r.bypasses.map((b) => b.what)).toEqual(['fetch(...)', 'new EventSource(...)']);
    expect(r.computedImports).toHaveLength(1);
  });
});

describe('templatePattern', () => {
  it('splits on "/" with substitutions as segments, up to the query', () => {
    expect(templatePattern(['/api/orders/', null, '/notes?x=', null])).toEqual([
      { literal: 'api' },
      { literal: 'orders' },
      { dynamic: true },
      { literal: 'notes' },
    ]);
    expect(templatePattern(['/api/orders-', null])).toEqual([{ literal: 'api' }, { partial: 'orders-' }]);
  });
});

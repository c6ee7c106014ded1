import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReservedPath } from '../loader/reserved.js';
import { isReserved } from '../server/routes/web.js';
import { reservedPrefixOf } from './path-template.js';
import { BFF_ENDPOINTS, HEALTH_ENDPOINTS, isBffPath } from './reserved-paths.js';

describe('isBffPath', () => {
  it.each([
    ['/metrics', true],
    ['/metrics/', true],
    ['/metrics/x', true],
    ['/healthz', true],
    ['/healthz/x', true],
    ['/readyz', true],
    ['/api/x', true],
    ['/api', true],
    ['/configs/stream', true],
    ['/metrics-board', false],
    ['/metricsx', false],
    ['/healthzone', false],
    ['/', false],
    ['/orders', false],
    ['/orders/metrics', false],
  ])('%s -> %s', (path, reserved) => {
    expect(isBffPath(path)).toBe(reserved);
  });

  it('/metrics is reserved although only health is public', () => {
    expect(BFF_ENDPOINTS).toEqual([...HEALTH_ENDPOINTS, '/metrics']);
  });

  it('the BFF fallback, the browser loader and the config agree on every path', () => {
    const segment = fc.constantFrom('api', 'auth', 'events', 'configs', 'stream', 'healthz', 'readyz', 'metrics', 'metrics-board', 'x', '');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
    fc.assert(
      fc.property(path, (p) => {
        const reserved = isBffPath(p);
        expect(isReserved(p)).toBe(reserved);
        expect(isReservedPath(p)).toBe(reserved);
        // The config refuses a plugin route at exactly those paths.
        expect(reservedPrefixOf(p) !== undefined).toBe(reserved);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['/metrics', '/metrics/board', '/healthz', '/readyz/x'])('the config refuses a plugin route at %s', (path) => {
    expect(reservedPrefixOf(path)).toBeDefined();
  });
});

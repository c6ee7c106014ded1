import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

/** What a browser would do with the value as a Location header on https://app.example. */
function browserTarget(location: string): URL {
  return new URL(location, 'https://app.example/signin');
}

describe('safeReturnTo', () => {
  it.each(['/', '/orders', '/orders/42?tab=open#notes', '/hello%20world', '/%20/x', "/a-b_c.d~e!$&'()*+,;=:@", '/%E2%9C%93'])('keeps %s', (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', '/\\/evil.example',
    'https://evil.example/', 'http:/evil.example', 'javascript:alert(1)', 'evil.example', '',
    '/%2F%2Fevil.example', '/%2f/evil.example', '/%5Cevil.example', '/%5cevil.example', '%2F%2Fevil.example',
    '/%252F%252Fevil.example', '/%255Cevil.example',
    '/\tevil', '/\nevil', '/\r\n//evil.example', '/%09/evil.example', '/%0a', '/%00', '/ /evil',
    '/./', '/.//evil.example', '/a/../..//evil.example', '/%2e%2e//evil.example', '/%2E/%2E%2E//evil',
    '/auth/login', '/auth/callback?code=x', '/auth', '/\u2028evil', '/\u00a0x', '/%E0%A4%A', '/%',
    `/${'a'.repeat(2048)}`,
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value)).toBeUndefined();
  });

  it('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 1, ['/'], { toString: () => '/' }]) expect(safeReturnTo(value)).toBeUndefined();
  });

  it('whatever it accepts, a browser resolves to the same origin (property, hostile alphabet)', () => {
    const hostile = fc.constantFrom('/', '\\', '.', '%', '2', 'f', 'F', '5', 'c', 'C', 'e', '0', '9', 'a', ':', '@', '?', '#', ' ', '\t', '\n', 'evil', 'http', '//', '%2F', '%5C', '%2e');
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join('')), (value) => {
        const kept = safeReturnTo(value);
        if (kept === undefined) return true;
        const target = browserTarget(kept);
        // Decoded once more, as a later hop might, it must stay on this origin too.
        const again = browserTarget(decodeURIComponent(kept));
        return target.origin === 'https://app.example' && again.origin === 'https://app.example' && kept.startsWith('/') && !kept.startsWith('//');
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts every ordinary same-origin path (property)', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,10}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.option(fc.stringMatching(/^[a-z0-9=&]{0,12}$/)), (segments, query) => {
        const path = `/${segments.join('/')}${query ? `?${query}` : ''}`;
        return path.startsWith('/auth') || safeReturnTo(path) === path;
      }),
    );
  });
});

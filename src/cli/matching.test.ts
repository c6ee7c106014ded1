import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiTemplate, type RegistryApiEntry } from '../config/index.js';
import {
  closestEntry,
  closestPrefix,
  compareEntry,
  covers,
  malformedPathReason,
  patternCoverage,
  prefixCovers,
  templateCovers,
  templateMatches,
  topicMatches,
  type PatternSegment,
} from './matching.js';

function entry(method: string, template: string): RegistryApiEntry {
  const parsed = parseApiTemplate(template);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { method, template, prefix: parsed.value.prefix, segments: parsed.value.segments };
}
const segs = (path: string) => path.split('/').slice(1);

describe('templateMatches (the contract table)', () => {
  it.each([
    ['/api/orders', '/api/orders', true],
    ['/api/orders', '/api/orders/1', false],
    ['/api/orders', '/api/Orders', false],
    ['/api/orders/{id}', '/api/orders/42', true],
    ['/api/orders/{id}', '/api/orders', false],
    ['/api/orders/{id}', '/api/orders/1/2', false],
    ['/api/catalog/**', '/api/catalog', true],
    ['/api/catalog/**', '/api/catalog/a/b', true],
    ['/api/catalog/**', '/api/catalogue', false],
  ])('%s vs %s -> %s', (template, path, expected) => {
    expect(templateMatches(entry('GET', template), segs(path))).toBe(expected);
  });
});

describe('compareEntry / closestEntry', () => {
  const entries = [entry('GET', '/api/orders'), entry('GET', '/api/orders/{id}'), entry('POST', '/api/orders/{id}/notes'), entry('GET', '/api/catalog/**')];

  it('names the segment where a longer path goes on', () => {
    const c = closestEntry(entries, 'GET', '/api/orders/42/items');
    expect(c?.entry.template).toBe('/api/orders/{id}');
    expect(c?.difference).toEqual({ segment: 4, message: expect.stringContaining('the path goes on with "items"') });
  });

  it('prefers a matching path with another method, and says so', () => {
    const c = closestEntry(entries, 'DELETE', '/api/orders/42');
    expect(c?.entry.template).toBe('/api/orders/{id}');
    expect(c?.difference?.message).toContain('the entry allows GET, the request is DELETE');
  });

  it('prefers the look-alike entry for a prefix look-alike, and says segments match whole', () => {
    const c = closestEntry(entries, 'GET', '/api/catalogue');
    expect(c?.entry.template).toBe('/api/catalog/**');
    expect(c?.difference).toEqual({ segment: 2, message: expect.stringContaining('"catalogue" is not "catalog": templates match whole segments') });
  });

  it('points out a case-only difference', () => {
    expect(closestEntry(entries, 'GET', '/api/Orders')?.difference?.message).toContain('only in case');
  });

  it('says where a shorter path ends', () => {
    const c = compareEntry(entries[2] as RegistryApiEntry, 2, 'POST', '/api/orders/42');
    expect(c.difference?.message).toBe('segment 4: the path ends before the template\'s "notes"');
  });

  it('has no difference when the entry matches', () => {
    expect(compareEntry(entries[3] as RegistryApiEntry, 3, 'GET', '/api/catalog/x').difference).toBeUndefined();
  });

  it('is undefined without entries', () => {
    expect(closestEntry([], 'GET', '/x')).toBeUndefined();
  });
});

describe('malformedPathReason (mirrors paths.malformed)', () => {
  it.each([
    ['api/x', 'does not start'],
    ['/api//x', 'segment 2 is empty'],
    ['/api/x/', 'segment 3 is empty'],
    ['/api/./x', 'segment 2 is "."'],
    ['/api/%2e%2e/x', '"%2e"'],
    ['/api/a\\b', 'backslash'],
    ['/api/%25', '"%25"'],
    ['/api/catalog/..;/orders', 'a dot segment with a parameter'],
  ])('%s', (path, reason) => {
    expect(malformedPathReason(path)).toContain(reason);
  });
  it('accepts a clean path', () => expect(malformedPathReason('/api/orders/42')).toBeUndefined());
});

describe('topics', () => {
  it('matches by whole dot segments', () => {
    expect(topicMatches('orders', 'orders.created')).toBe(true);
    expect(topicMatches('orders', 'ordersx')).toBe(false);
    expect(topicMatches('orders.created', 'orders')).toBe(false);
  });
  it('finds the closest prefix and the differing segment', () => {
    const c = closestPrefix(['sneaky', 'orders.created'], 'orders.updated');
    expect(c).toMatchObject({ prefix: 'orders.created', matches: false, difference: { segment: 2 } });
  });
});

describe('templateCovers (diff: is the new entry wider?)', () => {
  it.each([
    ['/api/orders/{id}', '/api/orders/42', true],
    ['/api/orders/42', '/api/orders/{id}', false],
    ['/api/orders/**', '/api/orders/{id}', true],
    ['/api/orders/**', '/api/orders', true],
    ['/api/**', '/api/orders/**', true],
    ['/api/orders/**', '/api/**', false],
    ['/api/orders/{id}', '/api/orders/**', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(templateCovers(entry('GET', outer), entry('GET', inner))).toBe(expected);
  });

  // Soundness against the matcher: whatever the inner template matches, a covering one matches too.
  const literal = fc.constantFrom('api', 'orders', 'x', '42');
  const templateArb = fc
    .tuple(fc.array(fc.oneof(literal, fc.constant('{p}')), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([parts, prefix]) => `/${parts.map((p, i) => (p === '{p}' ? `{p${i}}` : p)).join('/')}${prefix ? '/**' : ''}`);
  const pathArb = fc.array(fc.constantFrom('api', 'orders', 'x', '42', 'y'), { minLength: 1, maxLength: 5 });

  it('never claims coverage the matcher contradicts', () => {
    fc.assert(
      fc.property(templateArb, templateArb, pathArb, (outer, inner, path) => {
        const o = entry('GET', outer);
        const i = entry('GET', inner);
        if (templateCovers(o, i) && templateMatches(i, path)) expect(templateMatches(o, path)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('prefixCovers follows topic matching', () => {
    expect(prefixCovers('orders', 'orders.created')).toBe(true);
    expect(prefixCovers('orders.created', 'orders')).toBe(false);
  });
});

describe('patternCoverage (harness)', () => {
  const e = [entry('GET', '/api/orders/{id}'), entry('GET', '/api/catalog/**'), entry('GET', '/api/reports/daily')];
  const lit = (value: string): PatternSegment => ({ kind: 'literal', value });
  const dyn: PatternSegment = { kind: 'dynamic' };

  it('declared when an entry accepts every value', () => {
    expect(patternCoverage(e, [lit('api'), lit('orders'), dyn])).toBe('declared');
    expect(patternCoverage(e, [lit('api'), lit('catalog'), dyn, dyn])).toBe('declared');
  });
  it('undecided when only some values match', () => {
    expect(patternCoverage(e, [lit('api'), lit('reports'), dyn])).toBe('undecided');
  });
  it('undeclared when no value can match', () => {
    expect(patternCoverage(e, [lit('api'), lit('users'), dyn])).toBe('undeclared');
    expect(patternCoverage(e, [lit('api'), lit('orders')])).toBe('undeclared');
  });
});

describe('covers (grants)', () => {
  it('matches equal values and "*"', () => {
    expect(covers({ resource: '*', action: 'view' }, 'orders.page', 'view')).toBe(true);
    expect(covers({ resource: 'orders.page', action: '*' }, 'orders.page', 'edit')).toBe(true);
    expect(covers({ resource: 'orders.page', action: 'view' }, 'orders.page', 'edit')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { upstreamFor } from './plugin-call.js';

const fallback = new URL('http://upstream.default:8081');
const routes = [
  { prefix: '/api/catalog', url: 'http://catalog:8080' },
  { prefix: '/api/catalog/images', url: 'http://images:8080' },
  { prefix: '/api/search/', url: 'http://search:8080' },
];

describe('upstreamFor', () => {
  it.each([
    ['/api/catalog', 'http://catalog:8080/'],
    ['/api/catalog/books/1', 'http://catalog:8080/'],
    ['/api/catalog/images/1.png', 'http://images:8080/'],
    ['/api/catalog/images', 'http://images:8080/'],
    ['/api/search/q', 'http://search:8080/'],
    ['/api/catalogue', 'http://upstream.default:8081/'],
    ['/api/catalog-x/1', 'http://upstream.default:8081/'],
    ['/api/orders/1', 'http://upstream.default:8081/'],
  ])('%s goes to %s (longest whole-segment prefix, else UPSTREAM_URL)', (path, expected) => {
    expect(upstreamFor(path, routes, fallback).href).toBe(expected);
  });

  it('a "/" prefix takes every path a longer prefix does not', () => {
    const withRoot = [{ prefix: '/', url: 'http://root:1' }, ...routes];
    expect(upstreamFor('/api/orders/1', withRoot, fallback).href).toBe('http://root:1/');
    expect(upstreamFor('/api/catalog/x', withRoot, fallback).href).toBe('http://catalog:8080/');
  });

  it('no routes: UPSTREAM_URL', () => {
    expect(upstreamFor('/api/x', [], fallback)).toBe(fallback);
  });
});

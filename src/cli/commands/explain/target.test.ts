import { describe, expect, it } from 'vitest';
import { targetPath } from '../../../server/request-target.js';
import { judgedTarget } from './target.js';

describe('judgedTarget: --path read as the BFF reads a request', () => {
  it.each([
    // origin form: the raw path up to the query, never normalised (the BFF forwards it as received)
    ['/api/orders/42', '/api/orders/42', undefined],
    ['/api/orders?x=1', '/api/orders', 'the query string "?x=1" is not part of the judged path: the BFF judges /api/orders'],
    ['/api/orders?', '/api/orders', 'the query string "?" is not part of the judged path: the BFF judges /api/orders'],
    ['/api/a?b?c', '/api/a', 'the query string "?b?c" is not part of the judged path: the BFF judges /api/a'],
    ['/api/a/../b?x', '/api/a/../b', 'the query string "?x" is not part of the judged path: the BFF judges /api/a/../b'],
    ['/api/a%2Fb', '/api/a%2Fb', undefined],
    ['api/orders', 'api/orders', undefined],
    ['//evil.example/api', '//evil.example/api', undefined],
    // a full URL: what a client (the SDK's new URL, a browser) sends for it
    ['http://localhost:8080/api/orders?x=1', '/api/orders', 'a client sends http://localhost:8080/api/orders?x=1 to localhost:8080 as the request target /api/orders?x=1; the query string "?x=1" is not part of the judged path: the BFF judges /api/orders'],
    ['https://h/api/a/../b#top', '/api/b', 'a client sends https://h/api/a/../b#top to h as the request target /api/b (the fragment is never sent): the BFF judges /api/b'],
    ['HTTP://H/api', '/api', 'a client sends HTTP://H/api to h as the request target /api: the BFF judges /api'],
    ['http://[bad', 'http://[bad', '"http://[bad" is not a URL: judged as written'],
  ])('%s -> %s', (given, path, note) => {
    expect(judgedTarget(given)).toEqual(note === undefined ? { path } : { path, note });
  });

  it('cuts the query exactly where the BFF does', () => {
    for (const target of ['/a', '/a?', '/a?b=c?d', '/?', '?x', '/a#b?c']) expect(judgedTarget(target).path).toBe(targetPath(target));
  });
});

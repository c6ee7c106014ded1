import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Cookies from 'cookies';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieReader } from './cookie-reader.js';

function requestWith(cookie: string | undefined): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = cookie === undefined ? {} : { cookie };
  return req;
}

/** What Koa's ctx.cookies.get(name, { signed: false }) answers (Koa builds Cookies with the app's keys). */
function koaReads(cookie: string | undefined, name: string): string | undefined {
  const req = requestWith(cookie);
  return new Cookies(req, new ServerResponse(req), { keys: ['k'.repeat(32)] }).get(name, { signed: false });
}

// Characters that matter to the pattern: separators, quotes, spaces, regex metacharacters, `=`.
const piece = fc.stringMatching(/^[a-z_"; =.*+?()[\]{}|^$\\-]{0,6}$/);
const names = fc.oneof(fc.constantFrom('exp_session', '__Host-exp_session', 'a.b', 'x*y', 'q(1)', 's$'), fc.stringMatching(/^[A-Za-z0-9._$*()-]{1,8}$/));

describe('cookieReader', () => {
  it('reads what ctx.cookies.get(name, { signed: false }) reads, for any Cookie header', () => {
    fc.assert(
      fc.property(names, fc.array(fc.tuple(fc.oneof(names, piece), piece), { maxLength: 5 }), fc.constantFrom('; ', ';', ';  ', ' ;'), fc.boolean(), (name, pairs, separator, absent) => {
        const header = absent ? undefined : pairs.map(([n, v]) => `${n}=${v}`).join(separator);
        expect(cookieReader(name)(requestWith(header))).toBe(koaReads(header, name));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['exp_session=abc', 'abc'],
    ['other=1; exp_session=abc; exp_session=def', 'abc'],
    ['xexp_session=abc', undefined],
    ['exp_session="abc"', 'abc'],
    ['exp_session=', ''],
    ['', undefined],
    ['a=1;exp_session=b', 'b'],
  ])('%j gives %j, as Koa does', (header, value) => {
    expect(cookieReader('exp_session')(requestWith(header))).toBe(value);
    expect(koaReads(header, 'exp_session')).toBe(value);
  });
});

/**
 * Properties of the header filters over generated spellings: every alias of a stripped or
 * owned name is dropped, the BFF's attached identity always arrives exactly once, and any
 * other header crosses unchanged (the filter is exactly the oracle, not "drop everything").
 */
import type { IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonical,
  MUST_OWN_RESPONSE,
  MUST_STRIP_REQUEST,
  MUST_STRIP_REQUEST_PREFIXES,
  spelling,
} from '../../../test/support/header-names.js';
import {
  canonicalHeaderName,
  forwardRequestHeaders,
  forwardResponseHeaders,
  PROXIED_RESPONSE_HEADERS,
  STRIPPED_REQUEST_HEADERS,
  STRIPPED_REQUEST_PREFIXES,
  STRIPPED_RESPONSE_HEADERS,
} from './headers.js';

const ATTACH = {
  'x-experience-tenant': 'localhost',
  'x-experience-user': 'alice',
  'x-experience-roles': 'member',
  'x-experience-plugin': 'orders',
  'x-request-id': 'req-1',
  'x-forwarded-for': '127.0.0.1',
};
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'];
const REQUEST_NAMES = [...new Set([...MUST_STRIP_REQUEST, ...STRIPPED_REQUEST_HEADERS, ...HOP_BY_HOP, ...Object.keys(ATTACH)])];
const REQUEST_PREFIXES = [...new Set([...MUST_STRIP_REQUEST_PREFIXES, ...STRIPPED_REQUEST_PREFIXES])];
// What security-headers puts in ctx.state.baseHeaders (helmet's names and x-request-id).
const BASE = new Set(['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection', 'x-request-id']);
const RESPONSE_NAMES = [...new Set([...MUST_OWN_RESPONSE, ...STRIPPED_RESPONSE_HEADERS, ...PROXIED_RESPONSE_HEADERS.map(([n]) => n), ...HOP_BY_HOP, ...BASE])];

const RUNS = { numRuns: 500 };

/** A spelling of a stripped request name, or of a stripped prefix followed by anything. */
const strippedRequestName = fc.oneof(
  fc.constantFrom(...REQUEST_NAMES).chain(spelling),
  fc.tuple(fc.constantFrom(...REQUEST_PREFIXES).chain(spelling), fc.stringMatching(/^[a-zA-Z0-9_.-]{0,12}$/)).map(([p, s]) => p + s),
);
// `__proto__` cannot be an own key of the plain objects Node builds headers in.
const token = fc.stringMatching(/^[a-zA-Z0-9_.~-]{1,24}$/).filter((n) => n !== '__proto__');
/** Any token a header name may be made of (RFC 9110), biased towards plausible names. */
const anyName = fc.oneof(
  token,
  fc.constantFrom('accept', 'content-type', 'if-none-match', 'user-agent', 'x-custom', 'x-experience', 'x-forwarded', 'x-plugin', 'x-plugin-ids', 'xx-plugin-id', 'sec-fetch-dest', 'x-api-version'),
  strippedRequestName,
);

/** The names a Connection header lists (the proxy skips parsing the two common values, naming no header). */
function listedBy(value: unknown): ReadonlySet<string> {
  if (typeof value !== 'string' || value === 'keep-alive' || value === 'close') return new Set();
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}

function strippedByOracle(name: string, listed: ReadonlySet<string>): boolean {
  const c = canonical(name);
  return REQUEST_NAMES.includes(c) || REQUEST_PREFIXES.some((p) => c.startsWith(p)) || listed.has(name.toLowerCase());
}

describe('canonicalHeaderName', () => {
  it('is the oracle: lower case, every non-alphanumeric character read as "-"', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        expect(canonicalHeaderName(name)).toBe(canonical(name));
      }),
      RUNS,
    );
  });
});

describe('forwardRequestHeaders over generated spellings', () => {
  it('the proxy strips at least every name the review lists', () => {
    for (const name of MUST_STRIP_REQUEST) {
      const stripped = HOP_BY_HOP.includes(name) || STRIPPED_REQUEST_HEADERS.includes(name) || STRIPPED_REQUEST_PREFIXES.some((p) => name.startsWith(p));
      expect(stripped, name).toBe(true);
    }
  });

  it('no spelling of a stripped name reaches the upstream; the attached identity arrives with its own value', () => {
    fc.assert(
      fc.property(strippedRequestName, fc.string({ maxLength: 20 }), (name, value) => {
        const out = forwardRequestHeaders({ [name]: value, accept: 'application/json' }, ATTACH);
        expect(out).toEqual({ ...ATTACH, accept: 'application/json' });
      }),
      RUNS,
    );
  });

  it('keeps exactly the headers the oracle keeps, whatever else is sent', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(anyName, fc.stringMatching(/^[ -~]{0,16}$/)), { maxLength: 12, selector: ([n]) => n }),
        fc.array(anyName, { maxLength: 4 }),
        (headers, connectionTokens) => {
          const incoming: IncomingHttpHeaders = Object.fromEntries(headers);
          if (connectionTokens.length > 0) incoming.connection = connectionTokens.join(', ');
          const listed = listedBy(incoming.connection);
          const expected = Object.fromEntries(headers.filter(([name]) => !strippedByOracle(name, listed)));
          expect(forwardRequestHeaders(incoming, ATTACH)).toEqual({ ...expected, ...ATTACH });
        },
      ),
      RUNS,
    );
  });

  it('Connection naming the attached headers (any spelling) cannot remove them: each arrives exactly once', () => {
    const attachedSpelling = fc.constantFrom(...Object.keys(ATTACH)).chain(spelling);
    fc.assert(
      fc.property(fc.uniqueArray(attachedSpelling, { minLength: 1, maxLength: 8 }), (names) => {
        const incoming: IncomingHttpHeaders = { connection: names.join(', ') };
        for (const name of names) incoming[name] = 'spoofed';
        const out = forwardRequestHeaders(incoming, ATTACH);
        for (const [name, value] of Object.entries(ATTACH)) {
          expect(Object.keys(out).filter((n) => canonical(n) === name), name).toEqual([name]);
          expect(out[name]).toBe(value);
        }
        expect(Object.values(out)).not.toContain('spoofed');
      }),
      RUNS,
    );
  });
});

describe('forwardResponseHeaders over generated spellings', () => {
  const ownedResponseName = fc.constantFrom(...RESPONSE_NAMES).chain(spelling);

  it('the upstream cannot set, repeat or alias a header the BFF owns or strips', () => {
    fc.assert(
      fc.property(ownedResponseName, fc.string({ maxLength: 20 }), (name, value) => {
        const out = forwardResponseHeaders({ [name]: value, 'content-type': 'application/json' }, BASE);
        expect(out).toEqual([['content-type', 'application/json']]);
      }),
      RUNS,
    );
  });

  it('relays exactly the headers the oracle keeps', () => {
    const responseName = fc.oneof(token, fc.constantFrom('content-type', 'etag', 'cache-control', 'x-upstream'), ownedResponseName);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(responseName, fc.stringMatching(/^[ -~]{0,16}$/)), { maxLength: 12, selector: ([n]) => n }), (headers) => {
        const listed = listedBy(headers.find(([name]) => name === 'connection')?.[1]);
        const expected = headers.filter(([name]) => !RESPONSE_NAMES.includes(canonical(name)) && !listed.has(name.toLowerCase()));
        // Sorted: an object lists integer-like keys ("0") first, whatever the order they came in.
        const sorted = (list: Array<[string, unknown]>) => [...list].sort(([a], [b]) => a.localeCompare(b));
        expect(sorted(forwardResponseHeaders(Object.fromEntries(headers), BASE))).toEqual(sorted(expected));
      }),
      RUNS,
    );
  });
});

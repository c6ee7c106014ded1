/**
 * Header names the proxy must own or strip, written down independently of the proxy's own
 * lists (so a name dropped from them fails a test), and the spellings an upstream reads as
 * the same header: any case, `_` (Apache: any non-alphanumeric character) for `-`.
 */
import fc from 'fast-check';

/** How CGI/WSGI/PHP/Apache see a header name; the tests' oracle, not the proxy's code. */
export function canonical(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '-');
}

/** Request headers that must never reach the upstream from the client, in any spelling. */
export const MUST_STRIP_REQUEST = [
  // hop-by-hop
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'http2-settings',
  // framing, credentials
  'host', 'expect', 'content-length', 'cookie', 'authorization',
  // method overrides
  'x-http-method-override', 'x-http-method', 'x-method-override',
  // URL rewrites
  'x-original-url', 'x-rewrite-url', 'x-override-url', 'x-http-destinationurl', 'x-forwarded-path',
  'x-envoy-original-path', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-prefix', 'x-original-path', 'x-rewrite-path',
  // identity, tenant, client
  'x-plugin-id', 'x-user-id', 'x-tenant', 'x-request-id', 'forwarded', 'x-real-ip',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port',
  'x-experience-user', 'x-experience-roles', 'x-experience-tenant', 'x-experience-plugin',
] as const;

/** Prefixes of request headers that must never reach the upstream from the client. */
export const MUST_STRIP_REQUEST_PREFIXES = ['x-experience-', 'x-forwarded-'] as const;

/** Response headers the BFF owns on a proxied answer: the upstream may not send any spelling of them. */
export const MUST_OWN_RESPONSE = [
  'content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy', 'x-frame-options',
  'referrer-policy', 'cross-origin-opener-policy', 'x-request-id', 'set-cookie', 'content-security-policy-report-only',
  'x-allowlist-violation', 'x-integrity-error', 'connection', 'transfer-encoding', 'keep-alive',
] as const;

/** `name` respelled: random case per letter; each `-` kept, or `_` (mostly), `.` or `~`. */
export function spelling(name: string): fc.Arbitrary<string> {
  const chars = [...name].map((c) => {
    if (c === '-') return fc.constantFrom('-', '_', '_', '_', '.', '~');
    if (/[a-z]/.test(c)) return fc.constantFrom(c, c.toUpperCase());
    return fc.constant(c);
  });
  return fc.tuple(...chars).map((parts) => parts.join(''));
}

/**
 * A fixed set of alias spellings of `name` that Node does not fold into `name` itself (each
 * has a `_` or `.` where `name` has `-`), for tables through a real server. Empty for names
 * without `-` (their only variants are case, which Node folds).
 */
export function aliasSpellings(name: string): string[] {
  if (!name.includes('-')) return [];
  const title = name.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  const out = new Set([
    name.replaceAll('-', '_'),
    name.toUpperCase().replaceAll('-', '_'),
    title.replaceAll('-', '_'),
    title.replace('-', '_'),
    name.replace(/-([^-]*)$/, '_$1'),
    name.replace(/-([^-]*)$/, '.$1'),
  ]);
  out.delete(name);
  return [...out];
}

/**
 * Which headers cross the proxy. Requests lose hop-by-hop headers, the client's credentials,
 * method overrides, URL-rewrite headers and every client-sent copy of a header the BFF sets
 * or that names the client, path or identity; responses lose hop-by-hop headers, cookies,
 * origin-wide policies and anything the BFF owns. Names are compared in their canonical form
 * (see {@link canonicalHeaderName}), so a spelling an upstream would read as the same header
 * is the same header here.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Identity headers the BFF attaches; the upstream may trust them because clients cannot set them. */
export const IDENTITY_PREFIX = 'x-experience-';

/**
 * A header name as CGI, WSGI, PHP-FPM or Apache read it: case-insensitive, and `_` (Apache:
 * any character but a letter or digit) the same as `-`, because all of them become `_` in
 * `HTTP_X_PLUGIN_ID`. Names already canonical (nearly all) are returned without allocating.
 *
 * @example canonicalHeaderName('X_Plugin.Id') === 'x-plugin-id'
 */
export function canonicalHeaderName(name: string): string {
  return NOT_CANONICAL.test(name) ? name.toLowerCase().replace(NOT_ALPHANUMERIC, '-') : name;
}
const NOT_CANONICAL = /[^a-z0-9-]/;
const NOT_ALPHANUMERIC = /[^a-z0-9]/g;

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
];

/**
 * Request headers never forwarded (canonical names), besides hop-by-hop ones and the
 * prefixes below. The BFF sets `host`, `content-length`, `x-request-id`, `x-forwarded-for`
 * and the `x-experience-*` identity itself.
 */
export const STRIPPED_REQUEST_HEADERS: readonly string[] = [
  // Framing the BFF decides.
  'host',
  'expect',
  'content-length',
  // The client's credentials for the BFF: the upstream trusts the identity headers instead.
  'cookie',
  'cookie2',
  'authorization',
  // Method overrides: the method the policy judged is the method the upstream runs.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-method',
  // URL rewrites: frameworks (IIS, Symfony, Zend, Spring, nginx auth_request, WSGI prefix
  // fixers) route on these instead of the request line, a path the policy never judged.
  'x-original-url',
  'x-original-uri',
  'x-original-path',
  'x-original-host',
  'x-rewrite-url',
  'x-rewrite-uri',
  'x-rewrite-path',
  'x-override-url',
  'x-http-destinationurl',
  'x-http-destination-url',
  'x-proxy-url',
  'x-request-uri',
  'x-request-url',
  'x-script-name',
  'x-host',
  'destination',
  // Identity, tenant and client facts an upstream might trust from a gateway.
  'x-plugin-id',
  'x-user-id',
  'x-user',
  'x-remote-user',
  'remote-user',
  'x-tenant',
  'x-tenant-id',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-request-id',
];

/**
 * Prefixes of request headers never forwarded (canonical names): the BFF's identity, every
 * `X-Forwarded-*` (host, proto, prefix, path, uri, user, client cert...), Envoy's internal
 * headers (original path and method), and the identity headers of common auth gateways.
 */
export const STRIPPED_REQUEST_PREFIXES: readonly string[] = [
  IDENTITY_PREFIX,
  'x-forwarded-',
  'x-envoy-',
  'x-amzn-oidc-',
  'x-goog-authenticated-user-',
  'x-ms-client-principal',
  'x-auth-request-',
  'cf-access-',
];

const DROP_REQUEST: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...STRIPPED_REQUEST_HEADERS]);
// One anchored alternation: a single regex test per header instead of a startsWith per
// prefix. The prefixes are canonical names (letters, digits, `-`): nothing to escape.
const DROP_REQUEST_PREFIX = new RegExp(`^(?:${STRIPPED_REQUEST_PREFIXES.join('|')})`);
// Most names start with another character than any prefix and skip even that test.
const PREFIX_FIRST: ReadonlySet<number> = new Set(STRIPPED_REQUEST_PREFIXES.map((p) => p.charCodeAt(0)));

/**
 * The BFF's own response headers on every proxied answer, whatever the upstream sent: an
 * API answer is never a script, a style, a document or a frame, even if its content type
 * says so (JSONP, an HTML error page).
 */
export const PROXIED_RESPONSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox"],
  ['x-content-type-options', 'nosniff'],
  ['cross-origin-resource-policy', 'same-origin'],
];

/** Upstream response headers never relayed (canonical names), besides hop-by-hop ones and owned ones. */
export const STRIPPED_RESPONSE_HEADERS: readonly string[] = [
  'set-cookie',
  'set-cookie2',
  // Origin-wide state and policy only the BFF decides.
  'content-security-policy-report-only',
  'strict-transport-security',
  'clear-site-data',
  'nel',
  'report-to',
  'reporting-endpoints',
  'alt-svc',
  'service-worker-allowed',
  // Signals the SDK and loader read as the BFF's own refusals.
  'x-allowlist-violation',
  'x-integrity-error',
];

const DROP_RESPONSE: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  ...STRIPPED_RESPONSE_HEADERS,
  ...PROXIED_RESPONSE_HEADERS.map(([name]) => name),
]);

const NONE: ReadonlySet<string> = new Set();

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // The common values name only hop-by-hop headers that are dropped anyway.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const raw = Array.isArray(value) ? value.join(',') : value;
  return new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

/**
 * The headers to send upstream: the client's, less every stripped one (in any spelling) and
 * those its `Connection` header lists, then `attach`, which therefore always arrives exactly
 * once, with the BFF's value. `incoming` is Node's (its `connection` key is lower-case);
 * `attach` names must be canonical (lower-case, `-`), so that client aliases of them are dropped.
 */
export function forwardRequestHeaders(incoming: IncomingHttpHeaders, attach: Readonly<Record<string, string>>): OutgoingHttpHeaders {
  const listed = connectionTokens(incoming.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined) continue;
    const canonical = canonicalHeaderName(name);
    if (DROP_REQUEST.has(canonical) || Object.hasOwn(attach, canonical)) continue;
    if (PREFIX_FIRST.has(canonical.charCodeAt(0)) && DROP_REQUEST_PREFIX.test(canonical)) continue;
    // Only now: a listed name can remove client headers, never what the BFF attaches.
    if (listed !== NONE && listed.has(name.toLowerCase())) continue;
    out[name] = value;
  }
  for (const name in attach) out[name] = attach[name];
  return out;
}

/**
 * Upstream response headers the client may see; `owned` are headers the BFF already set
 * (lower-case names), never overridden or duplicated in any spelling.
 */
export function forwardResponseHeaders(incoming: IncomingHttpHeaders, owned: ReadonlySet<string>): Array<[string, string | string[]]> {
  const listed = connectionTokens(incoming.connection);
  const out: Array<[string, string | string[]]> = [];
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined) continue;
    const canonical = canonicalHeaderName(name);
    if (DROP_RESPONSE.has(canonical) || owned.has(canonical)) continue;
    if (listed !== NONE && listed.has(name.toLowerCase())) continue;
    out.push([name, value]);
  }
  return out;
}

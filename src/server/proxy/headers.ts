/**
 * Which headers cross the proxy. Requests lose hop-by-hop headers, method overrides, the
 * client's cookies and credentials, and every client-sent copy of the identity headers the
 * BFF sets itself; responses lose hop-by-hop headers, cookies and anything the BFF owns.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Identity headers the BFF attaches; the upstream may trust them because clients cannot set them. */
export const IDENTITY_PREFIX = 'x-experience-';

const HOP_BY_HOP = new Set([
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
]);

const DROP_REQUEST = new Set([
  'host',
  'expect',
  'content-length',
  'cookie',
  'authorization',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-plugin-id',
  'x-user-id',
  'x-tenant',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
  'forwarded',
  'x-request-id',
]);

const DROP_RESPONSE = new Set(['set-cookie', 'content-security-policy-report-only']);

const NONE: ReadonlySet<string> = new Set();

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  // The common values name only hop-by-hop headers that are dropped anyway.
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  const raw = Array.isArray(value) ? value.join(',') : value;
  return new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

export function forwardRequestHeaders(incoming: IncomingHttpHeaders, attach: Record<string, string>): OutgoingHttpHeaders {
  const listed = connectionTokens(incoming.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || DROP_REQUEST.has(name) || listed.has(name) || name.startsWith(IDENTITY_PREFIX)) continue;
    out[name] = value;
  }
  for (const [name, value] of Object.entries(attach)) out[name.toLowerCase()] = value;
  return out;
}

/** Upstream response headers the client may see; `owned` are headers the BFF already set. */
export function forwardResponseHeaders(incoming: IncomingHttpHeaders, owned: ReadonlySet<string>): Array<[string, string | string[]]> {
  const listed = connectionTokens(incoming.connection);
  const out: Array<[string, string | string[]]> = [];
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || DROP_RESPONSE.has(name) || listed.has(name) || owned.has(name)) continue;
    out.push([name, value]);
  }
  return out;
}

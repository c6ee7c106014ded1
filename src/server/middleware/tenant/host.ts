/**
 * The request's host, read strictly. RFC 9112 §3.2: a request with no Host (HTTP/1.1), more
 * than one, or an invalid one is a 400. Only `host[:port]` is a host here: a reg-name of
 * unreserved characters, a dotted IPv4 address (a reg-name too) or a bracketed IPv6 literal,
 * and an optional port of 1-5 digits within 1..65535. No userinfo, percent-encoding,
 * sub-delims, whitespace, comma-joined lists, backslashes or empty parts: anything a proxy, a
 * URL parser or a browser might read as another host is refused rather than guessed at.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { InputError } from '../../errors.js';

/** A host name (lower-cased) and the port, if one was given. */
export interface ParsedHost {
  name: string;
  port: number | undefined;
}

// RFC 3986 reg-name restricted to unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~");
// an IP-literal restricted to IPv6 (no IPvFuture, no zone id: both need characters refused here).
const HOST = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9\-._~]+))(?::([0-9]{1,5}))?$/;

/**
 * Parses one Host or X-Forwarded-Host value as `host[:port]`; undefined when it is anything else.
 *
 * @example
 * parseHost('Acme.Example.com:8443') // { name: 'acme.example.com', port: 8443 }
 * parseHost('[::1]:8080')            // { name: '[::1]', port: 8080 }
 * parseHost('user@acme.example.com') // undefined
 */
export function parseHost(value: string): ParsedHost | undefined {
  const match = HOST.exec(value);
  if (!match) return undefined;
  const [, ipv6, regName, digits] = match;
  if (ipv6 !== undefined && !isIPv6(ipv6)) return undefined;
  const port = digits === undefined ? undefined : Number(digits);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { name: (ipv6 !== undefined ? `[${ipv6}]` : (regName as string)).toLowerCase(), port };
}

/** Every value of one header as sent, one per header line (Node keeps only the first Host, joins others). */
function headerLines(req: IncomingMessage, name: string): string[] {
  const raw = req.rawHeaders;
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).length === name.length && (raw[i] as string).toLowerCase() === name) lines.push(raw[i + 1] as string);
  }
  return lines;
}

const malformed = (what: string) => new InputError('malformed_request', `Malformed ${what} header`);

/** One header's single `host[:port]` value; undefined when the header is absent; malformed otherwise. */
function singleHost(req: IncomingMessage, name: string, label: string): ParsedHost | undefined {
  const lines = headerLines(req, name);
  if (lines.length === 0) return undefined;
  // Two lines, or one line listing several hosts: which one a proxy in front meant is a guess.
  const parsed = lines.length === 1 ? parseHost(lines[0] as string) : undefined;
  if (!parsed) throw malformed(label);
  return parsed;
}

export interface HostOptions {
  /** Read X-Forwarded-Host instead of Host when it is present: only behind a proxy that sets it. */
  trustProxy: boolean;
}

/**
 * The host the request was made to: X-Forwarded-Host when trusted and present, else Host.
 * Throws `malformed_request` for a missing Host on HTTP/1.1 and for any header that is not
 * exactly one `host[:port]`; undefined only for an HTTP/1.0 request without either.
 * The Host header is checked even when X-Forwarded-Host is used: an invalid one is never served.
 */
export function requestHost(req: IncomingMessage, options: HostOptions): ParsedHost | undefined {
  const host = singleHost(req, 'host', 'Host');
  if (host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) throw malformed('Host');
  if (!options.trustProxy) return host;
  return singleHost(req, 'x-forwarded-host', 'X-Forwarded-Host') ?? host;
}

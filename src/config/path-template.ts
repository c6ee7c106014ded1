/**
 * Path rules (docs/contracts.md): API path templates, SPA route paths and upstream prefixes.
 * Each check returns the parsed value or a reason an operator can act on.
 */
import { BFF_ENDPOINTS, RESERVED_PREFIXES } from './reserved-paths.js';

export type TemplateSegment = { literal: string } | { param: string };

export interface ParsedTemplate {
  template: string;
  /** True for `/a/b/**`: matches `/a/b` and anything below it. */
  prefix: boolean;
  /** Whole segments; the trailing `**` of a prefix template is not one of them. */
  segments: TemplateSegment[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

// RFC 3986 path characters without "%" (no percent-encoding) and without "*", "{", "}" (template syntax).
const LITERAL = /^[A-Za-z0-9\-._~!$&'()+,;=:@]+$/;
const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Splits `/a/b` into `['a', 'b']` after the checks every kind of path shares; a reason if one fails. */
function splitClean(path: string, what: string): Checked<string[]> {
  if (!path.startsWith('/')) return fail(`${what} must start with "/"`);
  if (/[?#]/.test(path)) return fail(`${what} must not contain "?" or "#"`);
  if (path.includes('%')) return fail(`${what} must not contain "%" (no percent-encoding)`);
  if (path.includes('\\')) return fail(`${what} must not contain "\\"`);
  if (/[\s\p{Cc}]/u.test(path)) return fail(`${what} must not contain whitespace or control characters`);
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return fail(`${what} must not have empty segments ("//" or a trailing "/")`);
  if (segments.some((s) => s === '.' || s === '..')) return fail(`${what} must not have "." or ".." segments`);
  return { ok: true, value: segments };
}

/**
 * Parses an API path template: `/api/orders`, `/api/orders/{id}`, `/api/catalog/**`.
 * @example parseApiTemplate('/api/orders/{id}') // segments [{literal:'api'},{literal:'orders'},{param:'id'}]
 */
export function parseApiTemplate(template: string): Checked<ParsedTemplate> {
  const split = splitClean(template, 'a path template');
  if (!split.ok) return split;
  const parts = split.value;
  const prefix = parts[parts.length - 1] === '**';
  const body = prefix ? parts.slice(0, -1) : parts;
  if (prefix && body.length === 0) return fail('"/**" would allow every path; name at least one segment before "/**"');
  const segments: TemplateSegment[] = [];
  const params = new Set<string>();
  for (const part of body) {
    if (part === '**') return fail('"**" may only be the last segment');
    const param = PARAM.exec(part)?.[1];
    if (param !== undefined) {
      if (params.has(param)) return fail(`parameter "{${param}}" appears twice`);
      params.add(param);
      segments.push({ param });
    } else if (part.includes('{') || part.includes('}')) {
      return fail(`"${part}": a parameter must be a whole segment "{name}" (name: a letter or "_", then letters, digits, "_")`);
    } else if (part.includes('*')) {
      return fail(`"${part}": "*" is only allowed as a final "**" segment`);
    } else if (!LITERAL.test(part)) {
      return fail(`"${part}" has a character not allowed in a path`);
    } else {
      segments.push({ literal: part });
    }
  }
  return { ok: true, value: { template, prefix, segments } };
}

/**
 * Paths the SPA router leaves to the BFF, a plugin route there would never render: the reserved
 * prefixes without their trailing "/" (a route equal to one is refused too) and the BFF's endpoints.
 */
export const RESERVED_ROUTE_PREFIXES: readonly string[] = [...RESERVED_PREFIXES.map((p) => p.replace(/\/$/, '')), ...BFF_ENDPOINTS];

/** A route path is a clean absolute SPA path below `/` (`/orders`, `/orders/:id`). */
export function checkRoutePath(path: string): Checked<string> {
  if (path === '/') return fail('a plugin route cannot take "/"; use a path like "/my-plugin"');
  const split = splitClean(path, 'a route path');
  if (!split.ok) return split;
  const bad = split.value.find((s) => !LITERAL.test(s));
  if (bad !== undefined) return fail(`"${bad}" has a character not allowed in a route path`);
  return { ok: true, value: path };
}

/** The reserved prefix a route path falls under, if any. */
export function reservedPrefixOf(path: string): string | undefined {
  return RESERVED_ROUTE_PREFIXES.find((p) => path === p || path.startsWith(`${p}/`));
}

/** An upstream prefix is `/` or a clean absolute path of literal segments (`/api/catalog`). */
export function checkUpstreamPrefix(prefix: string): Checked<string> {
  if (prefix === '/') return { ok: true, value: prefix };
  const split = splitClean(prefix, 'an upstream prefix');
  if (!split.ok) return split;
  const bad = split.value.find((s) => !LITERAL.test(s));
  if (bad !== undefined) return fail(`"${bad}" has a character not allowed in an upstream prefix`);
  return { ok: true, value: prefix };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/**
 * Where the browser goes after sign-in: a same-origin path, or `/`. Anything that a browser
 * could read as another origin is refused: `//host`, `/\host`, absolute URLs, any backslash,
 * control characters and raw spaces, and the same percent-encoded (`/%2F%2Fhost`, `/%5Chost`);
 * dot segments too, since resolving them can turn `/.//host` into `//host`.
 */

const MAX_LENGTH = 2048;
// RFC 3986 path, query and fragment characters, and `%` for escapes: nothing else, raw.
const ALLOWED = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:[/?#]|$)/;

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function plausible(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return false;
  // Controls (C0, DEL, C1; browsers drop tab and newline anywhere, so `/\t/x` is `//x`) and
  // unusual whitespace. A plain space (decoded `%20`) stays: it is no separator in a path.
  if (/[\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/.test(value)) return false;
  return !DOT_SEGMENT.test(value.split(/[?#]/, 1)[0] ?? '');
}

/**
 * The path to return to after sign-in, or undefined when `raw` is not a safe same-origin path.
 * BFF prefixes (`/auth/`) are refused too: returning to a sign-in endpoint would loop.
 *
 * @example
 * safeReturnTo('/orders?tab=open') // '/orders?tab=open'
 * safeReturnTo('//evil.example')   // undefined
 */
export function safeReturnTo(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH || !ALLOWED.test(raw)) return undefined;
  if (!plausible(raw)) return undefined;
  // Once and twice decoded, it must still be a plain path: a server or browser that decodes
  // before it resolves must not find `//`, `\` or a control character in it either.
  const once = safeDecode(raw);
  if (once === undefined || !plausible(once)) return undefined;
  const twice = safeDecode(once);
  if (twice === undefined || !plausible(twice)) return undefined;
  const parsed = new URL(raw, 'https://origin.invalid');
  if (parsed.origin !== 'https://origin.invalid') return undefined;
  const path = parsed.pathname + parsed.search + parsed.hash;
  if (path !== raw || path.startsWith('/auth/') || path === '/auth') return undefined;
  return path;
}

/**
 * One cookie's value, read from the Cookie header exactly as Koa's `ctx.cookies.get(name, {
 * signed: false })` reads it (the `cookies` package: the first `name=` pair, one pair of
 * surrounding quotes removed), without the Cookies object and Keygrip Koa builds per request.
 */
import type { IncomingMessage } from 'node:http';

// The `cookies` package's own escaping of the name into its pattern.
const ESCAPE = /[\^$\\.*+?()[\]{}|]/g;

/**
 * @example
 * const sessionId = cookieReader('exp_session');
 * sessionId(ctx.req); // 'abc' for `Cookie: a=1; exp_session=abc`
 */
export function cookieReader(name: string): (req: IncomingMessage) => string | undefined {
  const pattern = new RegExp(`(?:^|;) *${name.replace(ESCAPE, '\\$&')}=([^;]*)`);
  return (req) => {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const match = pattern.exec(header);
    if (!match) return undefined;
    const value = match[1] as string;
    return value[0] === '"' ? value.slice(1, -1) : value;
  };
}

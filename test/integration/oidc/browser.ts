/**
 * A minimal browser for the sign-in flow over real HTTP: a cookie jar per host name (as
 * browsers keep cookies: ports do not separate them), redirects followed by hand so a test can
 * stop at, look at and tamper with any hop. Loopback only.
 */
import http from 'node:http';

export interface Hop {
  url: string;
  status: number;
  location?: string;
  body: string;
  headers: Headers;
}

interface Cookie {
  value: string;
  path: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** node:http, not fetch: fetch does not let a request name its own Host. */
function send(target: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; headers: Headers; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: target.port || 80, method, path: target.pathname + target.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(name, v);
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`test browser: ${method} ${target.href} timed out`)));
    req.end(body);
  });
}

export class TestBrowser {
  readonly jar = new Map<string, Map<string, Cookie>>();

  private domain(host: string): string {
    // acme.localhost cookies are acme.localhost's; *.localhost resolves to loopback.
    return host;
  }

  cookies(url: string): Map<string, Cookie> {
    const host = this.domain(new URL(url).hostname);
    let jar = this.jar.get(host);
    if (!jar) {
      jar = new Map();
      this.jar.set(host, jar);
    }
    return jar;
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookies(url).get(name)?.value;
  }

  setCookie(url: string, name: string, value: string): void {
    this.cookies(url).set(name, { value, path: '/' });
  }

  cookieHeader(url: string): string {
    const path = new URL(url).pathname;
    return [...this.cookies(url)].filter(([, c]) => path.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  private store(url: string, headers: Headers): void {
    const jar = this.cookies(url);
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const lower = attrs.map((a) => a.trim().toLowerCase());
      const gone = value === '' || lower.some((a) => a === 'max-age=0' || (a.startsWith('expires=') && Date.parse(a.slice(8)) < Date.now()));
      const path = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (gone) jar.delete(name);
      else jar.set(name, { value, path });
    }
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; accept?: string } = {}): Promise<Hop> {
    const target = new URL(url);
    if (!LOOPBACK.has(target.hostname) && !target.hostname.endsWith('.localhost')) throw new Error(`test browser: ${target.origin} is not loopback`);
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html', ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    // *.localhost names resolve to loopback in browsers; connect to 127.0.0.1 and send the name as Host.
    headers.host = target.host;
    const res = await send(target, init.method ?? (init.form ? 'POST' : 'GET'), headers, body);
    this.store(url, res.headers);
    const location = res.headers.get('location') ?? undefined;
    return { url, status: res.status, headers: res.headers, body: res.body, ...(location ? { location: new URL(location, url).href } : {}) };
  }

  /** Follows redirects from `url` until `stop` says so or a non-redirect answers. */
  async follow(url: string, stop: (next: string) => boolean = () => false, max = 15): Promise<{ hops: Hop[]; last: Hop; stoppedAt?: string }> {
    const hops: Hop[] = [];
    let next = url;
    for (let i = 0; i < max; i++) {
      const hop = await this.request(next);
      hops.push(hop);
      if (!hop.location || hop.status < 300 || hop.status >= 400) return { hops, last: hop };
      if (stop(hop.location)) return { hops, last: hop, stoppedAt: hop.location };
      next = hop.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The action and hidden fields of the first form in a page. */
export function formOf(html: string, base: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form in ${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name && value !== undefined) fields[name] = value.replace(/&amp;/g, '&');
  }
  return { action: new URL(form[1]!.replace(/&amp;/g, '&'), base).href, fields };
}

/**
 * A plain node:http client for lifecycle tests: explicit Host (the tenant), an Agent of the
 * test's choosing (keep-alive or not), and the raw outcome, including how the body ended.
 */
import http from 'node:http';
import net from 'node:net';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body arrived whole (false: the connection broke off mid-body). */
  complete: boolean;
}

export interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: http.Agent | false;
  host?: string;
}

/** Resolves with the answer, even a cut one; rejects only when no response head arrived. */
export function call(port: number, options: Call): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        agent: options.agent ?? false,
        headers: { host: options.host ?? 'localhost', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        // 'close' comes after 'end' for a whole body, alone for a cut one.
        res.once('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }));
        res.once('error', () => {});
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** Signs in through the development provider; returns the Cookie header value. */
export async function devLogin(port: number, user = 'alice', roles = ['member', 'dashboard-user']): Promise<string> {
  const res = await call(port, {
    method: 'POST',
    path: '/auth/dev/login',
    // The shell's CSRF header, as every browser state change carries it.
    headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' },
    body: JSON.stringify({ user, roles }),
  });
  if (res.status !== 204) throw new Error(`login failed: ${res.status} ${res.body.toString()}`);
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
}

/** Does a new TCP connection to the port succeed? */
export function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** An SSE stream read as raw bytes, to see exactly how the server ended it. */
export interface RawStream {
  socket: net.Socket;
  /** Everything received so far (head and chunked body, undecoded). */
  text(): string;
  /** Resolves when the text matches. */
  until(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  /** The chunked body ended with its terminating chunk (an orderly end, not a cut). */
  endedCleanly(): boolean;
}

/** Opens `GET path` on a keep-alive connection (no `Connection: close`: the server must close it). */
export function openRawStream(port: number, path: string, headers: Record<string, string>): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      for (const w of [...waiters]) w();
    });
    const text = () => Buffer.concat(chunks).toString('latin1');
    const stream: RawStream = {
      socket,
      text,
      closed,
      endedCleanly: () => /\r\n0\r\n\r\n$/.test(text()),
      until: (pattern, timeoutMs = 5000) =>
        new Promise<void>((done, fail) => {
          const check = () => {
            if (!pattern.test(text())) return;
            waiters.delete(check);
            clearTimeout(timer);
            done();
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`raw stream: no ${pattern} in ${JSON.stringify(text().slice(-300))}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
    socket.once('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Host: localhost', 'Accept: text/event-stream', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      stream.until(/^HTTP\/1\.1 \d{3}[^\r]*\r\n[\s\S]*?\r\n\r\n/).then(() => resolve(stream), reject);
    });
    socket.once('error', reject);
  });
}

/**
 * A real upstream HTTP server on loopback that records every request it receives, so tests
 * can assert what crossed the proxy (and that nothing crossed when it must not).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface RecordingUpstream {
  url: string;
  received: Received[];
  /** A request arrived on a path starting with `prefix`? */
  saw(prefix?: string): boolean;
  clear(): void;
  close(): Promise<void>;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = req.url ?? '';
  if (url.startsWith('/api/slow')) return; // never answers: the BFF must time out
  if (url.startsWith('/api/orders/404')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":"order_not_found"}');
    return;
  }
  if (url.startsWith('/api/catalog/respond?spec=')) {
    // The answer the test asks for (a hostile upstream): status, raw header lines in any
    // spelling (repeats kept), body. See upstreamAnswer().
    const spec = JSON.parse(Buffer.from(url.slice('/api/catalog/respond?spec='.length), 'base64url').toString('utf8')) as UpstreamAnswer;
    res.writeHead(spec.status, spec.headers.flat());
    res.end(spec.body);
    return;
  }
  if (url.startsWith('/api/orders/204')) {
    res.writeHead(204);
    res.end();
    return;
  }
  const payload = JSON.stringify({ ok: true, method: req.method, url, body });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    // Headers an upstream must never get to set on the BFF's origin:
    'set-cookie': 'exp_session=stolen; Path=/',
    'content-security-policy': "script-src * 'unsafe-inline' 'unsafe-eval'",
    'x-frame-options': 'ALLOWALL',
    'x-upstream': 'yes',
    connection: 'keep-alive, x-hop',
    'x-hop': 'must not reach the client',
  });
  res.end(payload);
}

/** An answer for the recording upstream to give; `headers` are raw lines, sent as written. */
export interface UpstreamAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** A plugin-call path (GET, plugin `orders`) on which the recording upstream gives `answer`. */
export function upstreamAnswer(answer: UpstreamAnswer): string {
  return `/api/catalog/respond?spec=${Buffer.from(JSON.stringify(answer)).toString('base64url')}`;
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    saw: (prefix = '/') => received.some((r) => r.url.startsWith(prefix)),
    clear: () => {
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (the upstream is down). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A loopback upstream whose answers the path scripts, for lifecycle tests (shutdown,
 * truncation, clients that leave). Every path sits under /api/catalog/ (the fixture's
 * `orders` plugin may call `GET /api/catalog/**`). Bodies are a known byte pattern, so a test
 * can tell a whole body from a cut one.
 *
 * - `/api/catalog/held/small/<id>`: held (no head) until `release()`, then a small JSON 200.
 * - `/api/catalog/held/large/<id>`: the head and half of a LARGE body at once, the rest on `release()`.
 * - `/api/catalog/cut/<length|chunked>/<size>/<at>`: a body of `size` (with Content-Length or
 *   chunked) broken off after `at` bytes: the socket is destroyed.
 * - `/api/catalog/stall/<size>/<at>`: `at` bytes of `size`, then silence.
 * - `/api/catalog/silent`: never answers.
 * - `/api/catalog/whole/<size>`: the whole body, chunked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const LARGE = 256 * 1024;

/** The bytes every scripted body is made of: `size` bytes of a fixed pattern. */
export function pattern(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = 97 + (i % 26);
  return out;
}

export interface ScriptedUpstream {
  url: string;
  /** Requests received so far (held ones included). */
  readonly received: number;
  /** Resolves once `n` requests have been received. */
  arrived(n: number, timeoutMs?: number): Promise<void>;
  /** Answers every held request, and from now on answers at once. */
  release(): void;
  close(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  let received = 0;
  let released = false;
  const held: Array<() => void> = [];
  const waiters = new Set<() => void>();
  const hold = (answer: () => void) => {
    if (released) answer();
    else held.push(answer);
  };

  const server = http.createServer((req, res) => {
    req.resume();
    received += 1;
    for (const w of [...waiters]) w();
    const parts = (req.url ?? '').split('?')[0]!.split('/').slice(3); // after /api/catalog/
    const [kind, a, b, c] = parts;
    if (kind === 'held' && a === 'small') {
      hold(() => {
        const body = JSON.stringify({ id: b });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    } else if (kind === 'held' && a === 'large') {
      const body = pattern(LARGE);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': LARGE });
      res.write(body.subarray(0, LARGE / 2));
      hold(() => res.end(body.subarray(LARGE / 2)));
    } else if (kind === 'cut') {
      const size = Number(b);
      const at = Number(c);
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream' };
      if (a === 'length') headers['content-length'] = size;
      res.writeHead(200, headers);
      res.flushHeaders();
      const body = pattern(size).subarray(0, at);
      const cut = () => setTimeout(() => res.socket?.destroy(), 20);
      if (body.length > 0) res.write(body, cut);
      else cut();
    } else if (kind === 'stall') {
      const size = Number(a);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      res.write(pattern(size).subarray(0, Number(b)));
    } else if (kind === 'silent') {
      // no answer, ever
    } else if (kind === 'whole') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(pattern(Number(a)));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    arrived: (n, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (received < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`upstream: ${received} of ${n} requests arrived`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    release() {
      released = true;
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A decision-log service on loopback, as OPA's decision-log service API describes one: it takes
 * `POST /logs` with a gzip-compressed JSON array of events and records what it got. It can be
 * told to hold every request without answering (a stalled service) and later to answer again.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SinkPost {
  headers: http.IncomingHttpHeaders;
  url: string;
  events: Array<Record<string, unknown>>;
  /** The decompressed body as sent (to assert what never appears in it). */
  text: string;
}

export interface DecisionSinkServer {
  url: string;
  posts: SinkPost[];
  events(): Array<Record<string, unknown>>;
  /** Stop answering (requests are held open, nothing recorded) or answer again. */
  setBlocked(blocked: boolean): void;
  close(): Promise<void>;
}

export async function startDecisionSink(): Promise<DecisionSinkServer> {
  const posts: SinkPost[] = [];
  let blocked = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (blocked) return;
      const body = Buffer.concat(chunks);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8');
      posts.push({ headers: req.headers, url: req.url ?? '', events: JSON.parse(text) as Array<Record<string, unknown>>, text });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`,
    posts,
    events: () => posts.flatMap((p) => p.events),
    setBlocked: (value) => (blocked = value),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

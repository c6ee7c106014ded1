/**
 * Bench child process: a decision-log service on loopback (OPA's API: gzip-compressed JSON
 * arrays POSTed to /logs). Counts the events it gets (GET /count); prints its port on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';

let events = 0;
let posts = 0;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ events, posts }));
      return;
    }
    gunzip(Buffer.concat(chunks), (error, body) => {
      if (error) {
        res.writeHead(400).end();
        return;
      }
      events += (JSON.parse(body.toString('utf8')) as unknown[]).length;
      posts++;
      res.writeHead(204).end();
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

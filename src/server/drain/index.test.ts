import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeOf } from '../outcome.js';
import { createHttpDrain, type HttpDrain } from './index.js';

interface Harness {
  port: number;
  drain: HttpDrain;
  /** Responses the handler holds, by path. */
  held: Map<string, http.ServerResponse>;
  /** Server-side responses, to read their outcome. */
  responses: http.ServerResponse[];
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** `/held/*` waits for the test; `/stream/*` sends its head and a first chunk, then waits. */
async function serve(): Promise<Harness> {
  const server = http.createServer();
  servers.push(server);
  const drain = createHttpDrain(server);
  const held = new Map<string, http.ServerResponse>();
  const responses: http.ServerResponse[] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    responses.push(res);
    const url = req.url ?? '';
    if (url.startsWith('/held/')) held.set(url, res);
    else if (url.startsWith('/stream/')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      held.set(url, res);
    } else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, drain, held, responses };
}

interface Got {
  status: number;
  connection: string | undefined;
  body: string;
  /** The body arrived whole. */
  complete: boolean;
  socketClosed: Promise<void>;
}

function get(port: number, path: string, agent: http.Agent): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('error', () => {});
      res.once('close', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, complete: res.complete, socketClosed }));
    });
    const socketClosed = new Promise<void>((done) => req.once('socket', (s) => s.once('close', () => done())));
    req.once('error', reject);
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('createHttpDrain', () => {
  it('closes keep-alive connections that are idle when the drain begins', async () => {
    const h = await serve();
    const agent = new http.Agent({ keepAlive: true });
    const first = await get(h.port, '/', agent);
    expect(first.connection).toBe('keep-alive');
    h.drain.begin();
    await first.socketClosed;
    expect(await h.drain.settle(60_000)).toBe(0);
    agent.destroy();
  });

  it('answers in-flight requests with Connection: close and closes each connection once idle', async () => {
    const h = await serve();
    const agent = new http.Agent({ keepAlive: true });
    const waiting = get(h.port, '/held/a', agent);
    const streaming = get(h.port, '/stream/b', agent);
    await until(() => h.held.size === 2);
    expect(h.drain.inFlight).toBe(2);
    h.drain.begin();
    expect(h.drain.draining).toBe(true);
    const settled = h.drain.settle(60_000);
    h.held.get('/held/a')?.end('late');
    h.held.get('/stream/b')?.end('rest');
    const [a, b] = await Promise.all([waiting, streaming]);
    expect(a).toMatchObject({ status: 200, connection: 'close', body: 'late', complete: true });
    // Its head said keep-alive before the drain: the connection is closed once the response ends.
    expect(b).toMatchObject({ status: 200, connection: 'keep-alive', body: 'first rest', complete: true });
    await Promise.all([a.socketClosed, b.socketClosed]);
    expect(await settled).toBe(0);
    expect(h.responses.map(outcomeOf)).toEqual(['completed', 'completed']);
    agent.destroy();
  });

  it('cuts what still runs at the timeout, marks it shutdown and counts it', async () => {
    const h = await serve();
    const agent = new http.Agent({ keepAlive: true });
    const cut = Promise.allSettled([get(h.port, '/held/x', agent), get(h.port, '/stream/y', agent)]);
    await until(() => h.held.size === 2);
    expect(await h.drain.settle(50)).toBe(2);
    const [held, streaming] = await cut;
    // No head yet: the connection is reset. Head sent: the body is cut.
    expect(held?.status).toBe('rejected');
    expect(streaming).toMatchObject({ status: 'fulfilled', value: { status: 200, body: 'first ', complete: false } });
    expect(h.responses.map(outcomeOf)).toEqual(['shutdown', 'shutdown']);
    expect(h.drain.inFlight).toBe(0);
    agent.destroy();
  });

  it('refuses new connections from the start of the drain', async () => {
    const h = await serve();
    h.drain.begin();
    await expect(get(h.port, '/', new http.Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await h.drain.settle(60_000)).toBe(0);
  });
});

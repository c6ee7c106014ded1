/**
 * The demo upstream service for `make run`: real handlers for every API path the default
 * config allows. It answers with what it was told by the BFF's identity headers, so the demo
 * shows who called.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Order {
  id: string;
  item: string;
  status: string;
  notes: string[];
}

const orders = new Map<string, Order>([
  ['1001', { id: '1001', item: 'Espresso machine', status: 'shipped', notes: [] }],
  ['1002', { id: '1002', item: 'Coffee grinder', status: 'processing', notes: [] }],
  ['1003', { id: '1003', item: 'Milk frother', status: 'delivered', notes: [] }],
]);

const catalog: Record<string, string[]> = {
  coffee: ['Espresso machine', 'Coffee grinder'],
  milk: ['Milk frother'],
};

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      } catch {
        resolve(null);
      }
    });
  });
}

/** Sets an order's status (the demo publisher announces the change). */
export function advanceOrder(): Order {
  const list = [...orders.values()];
  const order = list[Math.floor(Math.random() * list.length)] as Order;
  const next: Record<string, string> = { processing: 'shipped', shipped: 'delivered', delivered: 'processing' };
  order.status = next[order.status] ?? 'processing';
  return order;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://upstream.invalid');
  const path = url.pathname;
  const caller = {
    tenant: req.headers['x-experience-tenant'],
    user: req.headers['x-experience-user'],
    plugin: req.headers['x-experience-plugin'],
  };
  if (req.method === 'GET' && path === '/api/hello') {
    send(res, 200, { message: `Hello, ${String(caller.user ?? 'stranger')}!`, tenant: caller.tenant, plugin: caller.plugin });
    return;
  }
  if (req.method === 'GET' && path === '/api/orders') {
    send(res, 200, { orders: [...orders.values()].map(({ id, item, status }) => ({ id, item, status })) });
    return;
  }
  const order = /^\/api\/orders\/([^/]+)$/.exec(path);
  if (req.method === 'GET' && order) {
    const found = orders.get(decodeURIComponent(order[1] ?? ''));
    if (found) send(res, 200, found);
    else send(res, 404, { code: 'order_not_found', message: 'No such order' });
    return;
  }
  const notes = /^\/api\/orders\/([^/]+)\/notes$/.exec(path);
  if (req.method === 'POST' && notes) {
    const found = orders.get(decodeURIComponent(notes[1] ?? ''));
    const body = (await readJson(req)) as { text?: unknown } | null;
    if (!found) {
      send(res, 404, { code: 'order_not_found', message: 'No such order' });
      return;
    }
    if (typeof body?.text !== 'string' || body.text.length === 0 || body.text.length > 500) {
      send(res, 400, { code: 'invalid_note', message: 'Expected {"text": "..."} (1-500 characters)' });
      return;
    }
    found.notes.push(`${String(caller.user)}: ${body.text}`);
    send(res, 201, { id: found.id, notes: found.notes });
    return;
  }
  if (req.method === 'GET' && (path === '/api/catalog' || path.startsWith('/api/catalog/'))) {
    const category = path.split('/')[3];
    const items = category ? (catalog[category] ?? []) : Object.keys(catalog);
    send(res, 200, { path, items });
    return;
  }
  if (req.method === 'GET' && path === '/api/sneaky/status') {
    send(res, 200, { status: 'ok', plugin: caller.plugin });
    return;
  }
  send(res, 404, { code: 'not_found', message: 'No such API' });
}

export async function startDemoUpstream(port = 0, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { code: 'internal_error', message: 'Internal error' }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}

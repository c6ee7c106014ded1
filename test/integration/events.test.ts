import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { openSse, payload, type SseClient } from './support/sse.js';

let bff: TestBff;
let cookie: string;
const open: SseClient[] = [];

beforeAll(async () => {
  bff = await startBff({ SSE_HEARTBEAT_MS: '50', SSE_MAX_STREAMS: '3' });
});
// A fresh session per test: the stream cap is per session and plugin.
beforeEach(async () => {
  cookie = await login(bff, 'alice', ['member']);
});
afterAll(async () => {
  for (const s of open) s.close();
  await bff?.close();
});

async function stream(topics: string, plugin: string | undefined, extra: Record<string, string> = {}, who = cookie): Promise<SseClient> {
  const headers: Record<string, string> = { cookie: who, ...extra };
  if (plugin !== undefined) headers['x-plugin-id'] = plugin;
  const client = await openSse(`${bff.url}/events/stream?topics=${topics}`, headers);
  open.push(client);
  return client;
}

function publish(topic: string, data: unknown, tenant = 'localhost', token = PUBLISH_TOKEN) {
  return bff.http().post('/events/publish').set('Authorization', `Bearer ${token}`).send({ tenant, topic, data });
}

describe('GET /events/stream', () => {
  it('opens a text/event-stream for allowed topics and delivers events with the documented framing', async () => {
    const s = await stream('orders', 'orders');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(s.headers.get('cache-control')).toContain('no-store');
    const res = await publish('orders.updated', { orderId: '1001', status: 'shipped' });
    expect(res.status).toBe(202);
    const frame = await s.next((f) => f.event === 'message');
    expect(frame.raw).toMatch(/^id: \d+-\d+\nevent: message\ndata: \{.*\}$/);
    expect(frame.id).toBe(String(res.body.id));
    const body = payload(frame);
    expect(body).toEqual({ topic: 'orders.updated', data: { orderId: '1001', status: 'shipped' }, ts: expect.any(String) });
    expect(new Date(body.ts).toISOString()).toBe(body.ts);
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const s = await stream('orders', 'orders');
    const ping = await s.next((f) => f.comment === 'ping');
    expect(ping.raw).toBe(': ping');
  });

  it('delivers an event only to streams subscribed to a covering prefix and allowed to see it', async () => {
    const orders = await stream('orders.updated', 'orders');
    const stock = await stream('stock.levels', 'orders');
    await publish('orders.created', { n: 1 }); // not covered by orders.updated
    await publish('stock.levels.low', { n: 2 });
    await publish('orders.updated', { n: 3 });
    expect(payload(await stock.next((f) => f.event === 'message')).data).toEqual({ n: 2 });
    expect(payload(await orders.next((f) => f.event === 'message')).data).toEqual({ n: 3 });
    // Another tenant's event never reaches this tenant's streams.
    await publish('orders.updated', { n: 'acme' }, 'acme.localhost');
    await publish('orders.updated', { n: 4 });
    expect(payload(await orders.next((f) => f.event === 'message')).data).toEqual({ n: 4 });
  });

  it('denies before the first byte when any requested topic is not allowed', async () => {
    // The code is the policy's reason (its sse catalogue), as explain, the log and the metric say.
    for (const [topics, plugin, code] of [
      ['orders,payments', 'orders', 'topic_not_allowed'],
      ['ordersx', 'orders', 'topic_not_allowed'],
      ['orders', 'hello', 'topic_not_allowed'],
      ['orders', 'legacy', 'incompatible_plugin'],
      ['orders', 'ghost', 'unknown_plugin'],
    ] as const) {
      const s = await stream(topics, plugin);
      expect(s.status, `${topics} as ${plugin}`).toBe(403);
      expect(s.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(s.text ?? '')).toEqual({ code, message: expect.any(String) });
      expect(s.text).not.toContain('stock.levels');
    }
  });

  it('403 without X-Plugin-Id, 400 for malformed topics, 401 without a session', async () => {
    const none = await stream('orders', undefined);
    expect(none.status).toBe(403);
    expect(JSON.parse(none.text ?? '').code).toBe('missing_plugin_id');
    // `orders,` too: an empty entry is refused, not dropped (hostile-input-topics.test.ts)
    for (const topics of ['', 'orders..x', 'orders,', '%2e%2e', 'a b']) {
      const s = await stream(topics, 'orders');
      expect(s.status, topics).toBe(400);
      s.close();
    }
    const anon = await stream('orders', 'orders', {}, '');
    expect(anon.status).toBe(401);
  });

  it('replays newer buffered events after Last-Event-ID', async () => {
    const first = await publish('orders.updated', { replay: 1 });
    await publish('orders.updated', { replay: 2 });
    await publish('stock.levels', { replay: 'other topic' });
    const s = await stream('orders', 'orders', { 'last-event-id': String(first.body.id) });
    expect(payload(await s.next((f) => f.event === 'message')).data).toEqual({ replay: 2 });
    await publish('orders.updated', { replay: 3 });
    expect(payload(await s.next((f) => f.event === 'message')).data).toEqual({ replay: 3 });
  });

  it('caps open streams per session and plugin (429)', async () => {
    const carol = await login(bff, 'carol', ['member']);
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await stream('orders', 'orders', {}, carol));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const over = await stream('orders', 'orders', {}, carol);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.text ?? '').code).toBe('too_many_streams');
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    // Closing one frees a slot.
    streams[0]!.close();
    const again = await (async () => {
      for (let i = 0; i < 100; i++) {
        const s = await stream('orders', 'orders', {}, carol);
        if (s.status === 200) return s;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('slot never freed');
    })();
    expect(again.status).toBe(200);
  });
});

describe('POST /events/publish', () => {
  it('needs the bearer token (compared in constant time); a wrong one is 401', async () => {
    const none = await bff.http().post('/events/publish').send({ tenant: 'localhost', topic: 'orders.x', data: {} });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('invalid_token');
    expectSecurityHeaders(none);
    const wrong = await publish('orders.x', {}, 'localhost', 'nope');
    expect(wrong.status).toBe(401);
    expect(bff.logText()).not.toContain(PUBLISH_TOKEN);
  });

  it('400 for an unknown tenant or a malformed topic', async () => {
    expect((await publish('orders.x', {}, 'evil.example')).status).toBe(400);
    expect((await publish('orders..x', {})).status).toBe(400);
  });

  it('is 404 when no token is configured', async () => {
    const other = await startBff({ PUBLISH_TOKEN: '' });
    try {
      const res = await other.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'orders.x', data: {} });
      expect(res.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

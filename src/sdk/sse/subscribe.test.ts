import { describe, expect, it, vi } from 'vitest';
import { NetworkError, RateLimitError, TopicDeniedError, type SdkError } from '../errors/index.js';
import { createLogger } from '../telemetry/index.js';
import { createFakeFetch, jsonResponse, sseResponse, type RecordedRequest } from '../testing/fake-fetch.js';
import { createSse } from './subscribe.js';
import type { SseErrorInfo, SseMessage } from './types.js';

const origin = 'https://experience.test';

function harness(responders: Array<(req: RecordedRequest) => Response>) {
  let i = 0;
  const fake = createFakeFetch((req) => {
    const r = responders[Math.min(i++, responders.length - 1)];
    if (!r) throw new Error('no responder');
    return r(req);
  });
  const delays: number[] = [];
  const sink = { send: vi.fn() };
  const sse = createSse({ pluginId: 'orders', origin, fetch: fake.fetch }, createLogger('orders', sink), {
    random: () => 0.5,
    delay: async (ms) => { delays.push(ms); },
  });
  return { fake, delays, sse, sink };
}

const until = (check: () => boolean) => vi.waitFor(() => { if (!check()) throw new Error('not yet'); });

describe('sse.subscribe', () => {
  it('sends X-Plugin-Id and the topics, and delivers parsed events', async () => {
    const stream = sseResponse();
    const { fake, sse } = harness([() => stream.response]);
    const got: SseMessage[] = [];
    const sub = sse.subscribe(['orders', 'orders.updated'], (m) => got.push(m));
    stream.push(': ping\n\nid: 4\nevent: message\ndata: {"topic":"orders.updated","data":{"id":"A-1"},"ts":1}\n\n');
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ id: '4', topic: 'orders.updated', data: { id: 'A-1' }, ts: 1 });
    expect(fake.requests[0]?.url).toBe(`${origin}/events/stream?topics=orders,orders.updated`);
    expect(fake.requests[0]?.headers.get('x-plugin-id')).toBe('orders');
    expect(fake.requests[0]?.headers.get('last-event-id')).toBeNull();
    sub.close();
    expect(sub.closed).toBe(true);
  });

  it('reconnects with backoff and Last-Event-ID after the stream ends or the network fails', async () => {
    const first = sseResponse();
    const third = sseResponse();
    const { fake, delays, sse } = harness([
      () => first.response,
      () => { throw new TypeError('connection reset'); },
      () => third.response,
    ]);
    const got: string[] = [];
    const errors: Array<[SdkError, SseErrorInfo]> = [];
    const sub = sse.subscribe('orders', (m) => got.push(String(m.id)), { onError: (e, i) => errors.push([e, i]) });
    first.push('id: 10\ndata: {"topic":"orders.updated"}\n\n');
    await until(() => got.length === 1);
    first.end();
    await until(() => fake.requests.length === 3);
    third.push('id: 11\ndata: {"topic":"orders.updated"}\n\n');
    await until(() => got.length === 2);
    expect(got).toEqual(['10', '11']);
    expect(fake.requests.map((r) => r.headers.get('last-event-id'))).toEqual([null, '10', '10']);
    // attempt 0 then 1 with equal jitter at random 0.5: 375 ms, 750 ms
    expect(delays).toEqual([375, 750]);
    expect(errors.map(([e, i]) => [e.constructor, i.retrying])).toEqual([[NetworkError, true], [NetworkError, true]]);
    sub.close();
  });

  it('reports a denied topic as TopicDeniedError once and never retries', async () => {
    const { fake, delays, sse } = harness([
      () => jsonResponse(403, { code: 'topic_not_allowed', message: 'topic orders is not declared' }),
    ]);
    const errors: Array<[SdkError, SseErrorInfo]> = [];
    const sub = sse.subscribe(['orders'], () => {}, { onError: (e, i) => errors.push([e, i]) });
    await until(() => sub.closed);
    expect(fake.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    const [err, info] = errors[0] ?? [];
    expect(err).toBeInstanceOf(TopicDeniedError);
    expect(err).toMatchObject({ status: 403, serverCode: 'topic_not_allowed', topics: ['orders'], pluginId: 'orders' });
    expect(info).toEqual({ retrying: false });
  });

  it('waits at least Retry-After on 429 and then reconnects', async () => {
    const stream = sseResponse();
    const { delays, sse } = harness([
      () => jsonResponse(429, { code: 'rate_limited' }, { 'Retry-After': '4' }),
      () => stream.response,
    ]);
    const errors: SdkError[] = [];
    const opened = vi.fn();
    const sub = sse.subscribe('orders', () => {}, { onError: (e) => errors.push(e), onOpen: opened });
    await until(() => opened.mock.calls.length === 1);
    expect(delays).toEqual([4000]);
    expect(errors[0]).toBeInstanceOf(RateLimitError);
    sub.close();
  });

  it('logs through the plugin logger when no onError is given', async () => {
    const { sse, sink } = harness([() => jsonResponse(403, { code: 'topic_not_allowed' })]);
    const sub = sse.subscribe('secrets', () => {});
    await until(() => sub.closed);
    expect(sink.send).toHaveBeenCalledWith(expect.objectContaining({ plugin: 'orders', kind: 'log', level: 'error' }));
  });

  it('keeps going when the handler throws or an event is not JSON', async () => {
    const stream = sseResponse();
    const { sse } = harness([() => stream.response]);
    const codes: string[] = [];
    const got: unknown[] = [];
    const sub = sse.subscribe('orders', (m) => { if (m.data === 1) throw new Error('boom'); got.push(m.data); }, {
      onError: (e) => codes.push(e.code),
    });
    stream.push('data: nope\n\ndata: {"topic":"orders","data":1}\n\ndata: {"topic":"orders","data":2}\n\n');
    await until(() => got.length === 1);
    expect(codes).toEqual(['invalid_event', 'handler_failed']);
    sub.close();
  });

  it('stops when closed while waiting to reconnect', async () => {
    const { fake, sse } = harness([() => { throw new TypeError('down'); }]);
    const sub = sse.subscribe('orders', () => {}, { onError: () => sub.close() });
    await until(() => sub.closed);
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.requests).toHaveLength(1);
  });
});

/**
 * `event: reset` (the BFF could not give every event since the last one received): the
 * subscriber hears of it through onReset (or the plugin's log), live events keep coming, and the
 * reset's id is where the next reconnect resumes.
 */
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../telemetry/index.js';
import { createFakeFetch, sseResponse } from '../testing/fake-fetch.js';
import { createSse } from './subscribe.js';
import type { SseResetInfo } from './types.js';

const origin = 'https://experience.test';
const until = (check: () => boolean) => vi.waitFor(() => { if (!check()) throw new Error('not yet'); });

function harness(streams: Array<ReturnType<typeof sseResponse>>) {
  let i = 0;
  const fake = createFakeFetch(() => (streams[Math.min(i++, streams.length - 1)] as ReturnType<typeof sseResponse>).response);
  const sink = { send: vi.fn() };
  const sse = createSse({ pluginId: 'orders', origin, fetch: fake.fetch }, createLogger('orders', sink), { random: () => 0.5, delay: async () => {} });
  return { fake, sse, sink };
}

describe('sse.subscribe and event: reset', () => {
  it.each([
    ['{"reason":"expired"}', 'expired'],
    ['{"reason":"unknown"}', 'unknown'],
    ['{"reason":"gap"}', 'gap'],
    ['{"reason":"a-future-reason"}', 'a-future-reason'],
    ['{}', 'unknown'],
    ['not json', 'unknown'],
  ])('data %s: onReset with reason %s, and the next events still arrive', async (data, reason) => {
    const stream = sseResponse();
    const { sse } = harness([stream]);
    const resets: SseResetInfo[] = [];
    const got: unknown[] = [];
    const errors: string[] = [];
    const sub = sse.subscribe('orders', (m) => got.push(m.data), { onReset: (i) => resets.push(i), onError: (e) => errors.push(e.code) });
    stream.push(`id: 9-0\nevent: reset\ndata: ${data}\n\nid: 10-0\nevent: message\ndata: {"topic":"orders.x","data":10}\n\n`);
    await until(() => got.length === 1);
    expect(resets).toEqual([{ reason }]);
    expect(got).toEqual([10]);
    expect(errors).toEqual([]);
    sub.close();
  });

  it('resumes from the reset\'s id when the stream ends before another event', async () => {
    const first = sseResponse();
    const second = sseResponse();
    const { fake, sse } = harness([first, second]);
    const resets: SseResetInfo[] = [];
    const sub = sse.subscribe('orders', () => {}, { onReset: (i) => resets.push(i), onError: () => {} });
    first.push('id: 3-0\nevent: message\ndata: {"topic":"orders.x"}\n\nid: 9-0\nevent: reset\ndata: {"reason":"expired"}\n\n');
    await until(() => resets.length === 1);
    first.end();
    await until(() => fake.requests.length === 2);
    expect(fake.requests.map((r) => r.headers.get('last-event-id'))).toEqual([null, '9-0']);
    sub.close();
  });

  it('without onReset, logs a warning through the plugin logger; a throwing onReset is logged, not fatal', async () => {
    const stream = sseResponse();
    const { sse, sink } = harness([stream]);
    const sub = sse.subscribe('orders', () => {});
    stream.push('event: reset\ndata: {"reason":"gap"}\n\n');
    await until(() => sink.send.mock.calls.length > 0);
    expect(sink.send).toHaveBeenCalledWith(expect.objectContaining({ plugin: 'orders', kind: 'log', level: 'warn', data: { reason: 'gap' } }));
    sub.close();

    const again = sseResponse();
    const h = harness([again]);
    const got: unknown[] = [];
    const sub2 = h.sse.subscribe('orders', (m) => got.push(m.data), { onReset: () => { throw new Error('boom'); } });
    again.push('event: reset\ndata: {"reason":"gap"}\n\ndata: {"topic":"orders.x","data":1}\n\n');
    await until(() => got.length === 1);
    expect(h.sink.send).toHaveBeenCalledWith(expect.objectContaining({ kind: 'log', level: 'error' }));
    sub2.close();
  });
});

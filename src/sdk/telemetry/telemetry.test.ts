import { describe, expect, it, vi } from 'vitest';
import { createBatchingSink } from './batching-sink.js';
import { createConsoleSink, teeSink } from './console-sink.js';
import { createLogger } from './logger.js';
import { createTelemetry } from './telemetry.js';
import type { TelemetryEvent } from './types.js';
import { createFakeFetch } from '../testing/fake-fetch.js';

function collect() {
  const events: TelemetryEvent[] = [];
  return { events, sink: { send: (e: TelemetryEvent) => void events.push(e) } };
}

describe('logger and telemetry', () => {
  it('tag every record with the plugin id', () => {
    const { events, sink } = collect();
    createLogger('hello', sink, () => 'T5').warn('slow', { ms: 900 });
    createTelemetry('hello', sink, { now: () => 'T6', elapsed: () => 0 }).event('hello.clicked');
    expect(events).toEqual([
      { plugin: 'hello', kind: 'log', level: 'warn', name: 'log', message: 'slow', data: { ms: 900 }, ts: 'T5' },
      { plugin: 'hello', kind: 'event', name: 'hello.clicked', ts: 'T6' },
    ]);
  });

  it('times a call, including one that fails', async () => {
    const { events, sink } = collect();
    let t = 0;
    const telemetry = createTelemetry('orders', sink, { now: () => 'T1', elapsed: () => (t += 12.5) });
    await telemetry.time('orders.load', async () => 'ok', { page: 1 });
    await expect(telemetry.time('orders.load', async () => { throw new TypeError('x'); })).rejects.toThrow('x');
    expect(events.map((e) => e.data)).toEqual([
      { page: 1, outcome: 'ok', value: 12.5, unit: 'ms' },
      { outcome: 'error', error: 'TypeError', value: 12.5, unit: 'ms' },
    ]);
    expect(telemetry.startTimer('t')()).toBe(12.5);
    telemetry.metric('orders.count', 3);
    expect(events.at(-1)).toMatchObject({ kind: 'metric', name: 'orders.count', data: { value: 3 } });
  });
});

describe('batching sink', () => {
  const event = (n: number): TelemetryEvent => ({ plugin: 'p', kind: 'event', name: `e${n}`, ts: String(n) });

  it('posts batches of at most maxBatch to /api/telemetry, on size or on the timer', async () => {
    const fake = createFakeFetch(() => new Response(null, { status: 204 }));
    const timers: Array<() => void> = [];
    const sink = createBatchingSink({ fetch: fake.fetch, maxBatch: 2, setTimer: (fn) => timers.push(fn), clearTimer: () => {} });
    sink.send(event(1));
    expect(fake.requests).toHaveLength(0);
    sink.send(event(2));
    sink.send(event(3));
    timers.at(-1)?.();
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2));
    expect(fake.requests[0]).toMatchObject({ url: '/api/telemetry', method: 'POST' });
    expect(JSON.parse(fake.requests[0]?.body ?? '')).toEqual({ events: [event(1), event(2)] });
    expect(JSON.parse(fake.requests[1]?.body ?? '')).toEqual({ events: [event(3)] });
  });

  it('swallows failures, drops the oldest beyond maxQueued, and flushes with keepalive', async () => {
    const fake = createFakeFetch(() => { throw new TypeError('offline'); });
    const sink = createBatchingSink({ fetch: fake.fetch, maxBatch: 100, maxQueued: 2, setTimer: () => 0, clearTimer: () => {} });
    for (let i = 0; i < 5; i++) sink.send(event(i));
    expect(sink.dropped).toBe(3);
    await sink.flush({ keepalive: true });
    expect(fake.requests[0]?.init.keepalive).toBe(true);
    expect(JSON.parse(fake.requests[0]?.body ?? '').events.map((e: TelemetryEvent) => e.ts)).toEqual(['3', '4']);
  });

  it('tee and console sinks: one broken sink does not stop the others', () => {
    const target = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const tee = teeSink({ send: () => { throw new Error('broken'); } }, createConsoleSink(target));
    tee.send({ plugin: 'x', kind: 'log', level: 'error', name: 'log', message: 'bad', ts: 'T0' });
    expect(target.error).toHaveBeenCalledWith('[plugin:x] bad');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { DecisionLog, type DecisionLogOptions } from './log.js';
import { parseMasks } from './mask.js';
import type { DecisionLogEvent, DecisionRecord, DecisionSink } from './types.js';

/** A sink whose writes wait until the test lets them through (or fail). */
function gatedSink() {
  const written: DecisionLogEvent[][] = [];
  let gate: { open: () => void; fail: (e: Error) => void } | undefined;
  let mode: 'open' | 'blocked' | 'failing' = 'open';
  const sink: DecisionSink & { written: DecisionLogEvent[][]; attempts: number; closed: boolean } = {
    kind: 'http',
    written,
    attempts: 0,
    closed: false,
    write(events) {
      sink.attempts++;
      if (mode === 'failing') return Promise.reject(new Error('refused'));
      if (mode === 'open') {
        written.push([...events]);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        gate = {
          open: () => {
            written.push([...events]);
            resolve();
          },
          fail: reject,
        };
      });
    },
    async close() {
      sink.closed = true;
    },
  };
  return {
    sink,
    set: (m: typeof mode) => (mode = m),
    release: () => gate?.open(),
  };
}

function counters() {
  const c = { dropped: { buffer_full: 0, shutdown: 0 }, sent: 0, failed: 0 };
  return {
    c,
    counters: {
      dropped: (reason: 'buffer_full' | 'shutdown', n: number) => (c.dropped[reason] += n),
      sent: (n: number) => (c.sent += n),
      failed: () => c.failed++,
    },
  };
}

let n = 0;
function record(input: unknown = { tenant: 't', user: { id: 'alice' } }): DecisionRecord {
  n++;
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, path: 'experience/contributions/decision', input, result: { plugins: [] }, revision: null, evalNs: 5, at: 0 };
}

const logs: DecisionLog[] = [];
function make(sink: DecisionSink, extra: Partial<DecisionLogOptions> = {}) {
  const count = counters();
  const log = new DecisionLog({ sink, capacity: 10, batch: 4, flushMs: 60_000, masks: [], labels: { id: 'i', version: 'v' }, counters: count.counters, ...extra });
  logs.push(log);
  return { log, c: count.c };
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close(10);
});

describe('DecisionLog', () => {
  it('ships every record, in order, in batches of at most `batch`', async () => {
    const { sink } = gatedSink();
    const { log, c } = make(sink);
    const records = Array.from({ length: 10 }, () => record());
    for (const r of records) log.record(r);
    await log.flush();
    expect(sink.written.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(sink.written.flat().map((e) => e.decision_id)).toEqual(records.map((r) => r.id));
    expect(c).toMatchObject({ sent: 10, failed: 0, dropped: { buffer_full: 0 } });
  });

  it('never waits on a blocked sink: past the capacity records are dropped and counted', async () => {
    const gated = gatedSink();
    gated.set('blocked');
    const { log, c } = make(gated.sink);
    log.record(record());
    const writing = log.flush();
    // The one in flight left the buffer: 10 more fit, the rest are dropped.
    for (let i = 0; i < 25; i++) log.record(record());
    expect(c.dropped.buffer_full).toBe(15);
    expect(log.buffered).toBe(11);
    gated.set('open');
    gated.release();
    await writing;
    await log.flush();
    expect(c.sent).toBe(11);
    expect(log.buffered).toBe(0);
  });

  it('keeps a batch a sink refused and sends it first once the sink is back', async () => {
    const gated = gatedSink();
    gated.set('failing');
    const states: boolean[] = [];
    const { log, c } = make(gated.sink, { flushMs: 10, onSinkState: (ok) => states.push(ok) });
    const first = [record(), record()];
    for (const r of first) log.record(r);
    await log.flush();
    expect(c.failed).toBe(1);
    expect(log.buffered).toBe(2);
    log.record(record());
    gated.set('open');
    // Backing off: nothing is sent before the delay has passed.
    await log.flush();
    expect(gated.sink.written).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await log.flush();
    expect(gated.sink.written[0]!.map((e) => e.decision_id)).toEqual(first.map((r) => r.id));
    expect(c.sent).toBe(3);
    expect(states).toEqual([false, true]);
  });

  it('masks what leaves, never the record it was given', async () => {
    const { sink } = gatedSink();
    const { log } = make(sink, { masks: parseMasks('/input/user/id') });
    const input = { tenant: 't', user: { id: 'alice' } };
    log.record(record(input));
    await log.flush();
    expect(sink.written[0]![0]).toMatchObject({ input: { tenant: 't', user: {} }, erased: ['/input/user/id'] });
    expect(input).toEqual({ tenant: 't', user: { id: 'alice' } });
  });

  it('at close sends what is left, then counts what it could not send as dropped at shutdown', async () => {
    const open = gatedSink();
    const a = make(open.sink);
    for (let i = 0; i < 6; i++) a.log.record(record());
    await a.log.close(1000);
    expect(a.c.sent).toBe(6);
    expect(open.sink.closed).toBe(true);
    a.log.record(record());
    expect(a.c.dropped.buffer_full).toBe(1);

    const blocked = gatedSink();
    blocked.set('blocked');
    const b = make(blocked.sink);
    for (let i = 0; i < 6; i++) b.log.record(record());
    const started = Date.now();
    await b.log.close(50);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(b.c.dropped.shutdown).toBe(6);
    // A write that completes after the give-up is not counted twice.
    blocked.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.c.sent).toBe(0);
  });
});

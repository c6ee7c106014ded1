/**
 * TalliedCounter against prom-client's Counter: any sequence of increments (label objects,
 * children made on the spot and children kept across resets and removals, explicit values,
 * no labels) reads the same at every read (scrape text and get()), and bad labels or values
 * throw the same errors.
 */
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedCounter } from './tallied-counter.js';

const LABELS = ['route', 'status'] as const;
type L = (typeof LABELS)[number];

function pair(): { tallied: TalliedCounter<L>; plain: Counter<L>; read: () => Promise<[string, string]> } {
  const a = new Registry();
  const b = new Registry();
  const config = { name: 'x_total', help: 'x', labelNames: LABELS };
  const tallied = new TalliedCounter<L>({ ...config, registers: [a] });
  const plain = new Counter<L>({ ...config, registers: [b] });
  return { tallied, plain, read: async () => [await a.metrics(), await b.metrics()] };
}

// Children made once and kept, as the request log keeps them (positional and object labels).
const KEPT: Array<[string, string] | [Record<string, string>]> = [['a', '200'], ['200', 'a'], [{ route: '200', status: '200' }], [{ status: '200', route: 'a' }], [{ route: 'a' }]];

// Few values, so that operations meet on the same series often.
const value = fc.constantFrom('a', '200', 'a"b\\c\nd');
const labels = fc.oneof(
  fc.record({ route: value, status: value }),
  fc.record({ status: value, route: value }),
  fc.record({ route: value }),
  fc.constant({}),
);
type Op =
  | { kind: 'inc'; labels: Record<string, string> }
  | { kind: 'incBy'; labels: Record<string, string>; by: number }
  | { kind: 'child'; route: string; status: string; by?: number }
  | { kind: 'kept'; i: number; by?: number }
  | { kind: 'plain'; by?: number }
  | { kind: 'reset' }
  | { kind: 'remove'; route: string; status: string }
  | { kind: 'read' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: labels.map((l) => ({ kind: 'inc' as const, labels: l })) },
  { weight: 2, arbitrary: fc.tuple(labels, fc.integer({ min: 0, max: 5 })).map(([l, by]) => ({ kind: 'incBy' as const, labels: l, by })) },
  { weight: 3, arbitrary: fc.tuple(value, value, fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined })).map(([route, status, by]) => ({ kind: 'child' as const, route, status, by })) },
  { weight: 6, arbitrary: fc.tuple(fc.nat(KEPT.length - 1), fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 5 })).map(([i, by]) => ({ kind: 'kept' as const, i, by })) },
  { weight: 1, arbitrary: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }).map((by) => ({ kind: 'plain' as const, by })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 2, arbitrary: fc.tuple(value, value).map(([route, status]) => ({ kind: 'remove' as const, route, status })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'read' as const }) },
);

function apply(counter: Counter<L>, kept: Counter.Internal[], o: Op): void {
  switch (o.kind) {
    case 'kept':
      return o.by === undefined ? kept[o.i]!.inc() : kept[o.i]!.inc(o.by);
    case 'inc':
      return counter.inc(o.labels);
    case 'incBy':
      return counter.inc(o.labels, o.by);
    case 'child':
      return o.by === undefined ? counter.labels(o.route, o.status).inc() : counter.labels(o.route, o.status).inc(o.by);
    case 'plain':
      return counter.inc(o.by);
    case 'reset':
      return counter.reset();
    case 'remove':
      return counter.remove(o.route, o.status);
    case 'read':
      return;
  }
}

describe('TalliedCounter', () => {
  it('reads exactly as a prom-client Counter after any sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 80, size: 'medium' }), async (ops) => {
        const { tallied, plain, read } = pair();
        const children = (c: Counter<L>) => KEPT.map((args) => (c.labels as (...a: unknown[]) => Counter.Internal)(...args));
        const [keptT, keptP] = [children(tallied), children(plain)];
        for (const o of ops) {
          apply(tallied, keptT, o);
          apply(plain, keptP, o);
          if (o.kind === 'read') {
            const [t, p] = await read();
            expect(t).toBe(p);
            expect(await tallied.get()).toEqual(await plain.get());
          }
        }
        const [t, p] = await read();
        expect(t).toBe(p);
      }),
      { numRuns: 300 },
    );
  });

  it('counts a child increment not read yet at the next read, and only once', async () => {
    const { tallied, read } = pair();
    const child = tallied.labels('a', '200');
    for (let i = 0; i < 5; i++) child.inc();
    tallied.inc({ route: 'a', status: '200' });
    expect((await read())[0]).toContain('x_total{route="a",status="200"} 6');
    expect((await read())[0]).toContain('x_total{route="a",status="200"} 6');
    child.inc();
    expect(await tallied.get()).toMatchObject({ values: [{ labels: { route: 'a', status: '200' }, value: 7 }] });
  });

  it('throws what prom-client throws for an unknown label name or a bad value', () => {
    const { tallied, plain } = pair();
    const bogus = { route: 'a', nope: 'x' } as unknown as Record<L, string>;
    const child = tallied.labels(bogus);
    expect(() => child.inc()).toThrow(captured(() => plain.labels(bogus).inc()));
    // Again: still refused (nothing was tallied for it).
    expect(() => child.inc()).toThrow(captured(() => plain.labels(bogus).inc()));
    expect(() => tallied.labels('a')).toThrow(captured(() => plain.labels('a')));
    expect(() => tallied.labels('a', '200').inc(-1)).toThrow(captured(() => plain.labels('a', '200').inc(-1)));
    expect(() => tallied.labels('a', '200').inc(Number.POSITIVE_INFINITY)).toThrow(captured(() => plain.labels('a', '200').inc(Number.POSITIVE_INFINITY)));
  });

  it('keeps counting past its bound on label sets, straight through prom-client', async () => {
    const { tallied, plain, read } = pair();
    for (let i = 0; i < 1200; i++) {
      for (const c of [tallied, plain]) {
        const child = c.labels(`r${i}`, '200');
        child.inc();
        child.inc();
      }
    }
    const [t, p] = await read();
    expect(t).toBe(p);
  });
});

function captured(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

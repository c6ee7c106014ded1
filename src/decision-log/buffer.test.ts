import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedBuffer } from './buffer.js';

describe('BoundedBuffer', () => {
  it('behaves as a FIFO that refuses pushes past its capacity (against an array model)', () => {
    const op = fc.oneof(fc.record({ push: fc.integer() }), fc.record({ take: fc.integer({ min: 0, max: 7 }) }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 200 }), (capacity, ops) => {
        const buffer = new BoundedBuffer<number>(capacity);
        const model: number[] = [];
        for (const o of ops) {
          if ('push' in o) {
            const kept = buffer.push(o.push);
            expect(kept).toBe(model.length < capacity);
            if (kept) model.push(o.push);
          } else {
            expect(buffer.take(o.take)).toEqual(model.splice(0, o.take));
          }
          expect(buffer.size).toBe(model.length);
        }
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new BoundedBuffer(capacity)).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEventIds, isEventId, nextEventId, parseEventId, previousEventId } from './ids.js';

const MAX = 2n ** 64n - 1n;
const part = fc.bigInt({ min: 0n, max: MAX });

describe('parseEventId', () => {
  it.each([
    ['0-0', { ms: 0n, seq: 0n }],
    ['1717000000000-0', { ms: 1717000000000n, seq: 0n }],
    ['1717000000000-42', { ms: 1717000000000n, seq: 42n }],
    [`${MAX}-${MAX}`, { ms: MAX, seq: MAX }],
  ])('reads %s', (text, id) => {
    expect(parseEventId(text)).toEqual(id);
  });

  it.each([
    '', '42', '-1', '1-', '-', '1--2', '1-2-3', '01-2', '1-02', '00-0', ' 1-2', '1-2 ', '1-2\n', '+1-2', '1.0-2',
    '1-2a', '１-２', `${MAX + 1n}-0`, `0-${MAX + 1n}`, `${'9'.repeat(21)}-0`, '0x1-2', '1e3-0',
  ])('refuses %j', (text) => {
    expect(parseEventId(text)).toBeUndefined();
    expect(isEventId(text)).toBe(false);
  });
});

describe('compareEventIds orders ids as number pairs', () => {
  it('agrees with BigInt comparison of (first, second) on any two ids', () => {
    fc.assert(
      fc.property(part, part, part, part, (a1, a2, b1, b2) => {
        const expected = a1 !== b1 ? (a1 < b1 ? -1 : 1) : a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
        expect(Math.sign(compareEventIds(`${a1}-${a2}`, `${b1}-${b2}`))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['9-0', '10-0', -1],
    ['10-9', '10-10', -1],
    ['10-10', '10-10', 0],
    ['1717000000001-0', '1717000000000-99', 1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareEventIds(a, b))).toBe(sign);
  });
});

describe('nextEventId and previousEventId', () => {
  it('are inverse, and nothing lies between an id and its next', () => {
    fc.assert(
      fc.property(part, part, (ms, seq) => {
        const id = `${ms}-${seq}`;
        const next = nextEventId(id);
        const previous = previousEventId(id);
        if (next !== undefined) {
          expect(compareEventIds(next, id)).toBeGreaterThan(0);
          expect(previousEventId(next)).toBe(id);
        } else {
          expect(id).toBe(`${MAX}-${MAX}`);
        }
        if (previous !== undefined) expect(nextEventId(previous)).toBe(id);
        else expect(id).toBe('0-0');
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['5-0', '5-1', '4-18446744073709551615'],
    ['5-18446744073709551615', '6-0', '5-18446744073709551614'],
  ])('%s: next %s, previous %s', (id, next, previous) => {
    expect(nextEventId(id)).toBe(next);
    expect(previousEventId(id)).toBe(previous);
  });
});

import { describe, expect, it } from 'vitest';
import type { StreamInfo } from './entries.js';
import { judgeAbsentId, lostAfter } from './resume.js';

// A stream that issued 10-0 .. 19-0 and keeps 15-0 .. 19-0 (5 trimmed).
const trimmed: StreamInfo = { length: 5, lastGeneratedId: '19-0', firstId: '15-0', entriesAdded: 10 };
// One that issued 10-0 .. 14-0 and trimmed none.
const whole: StreamInfo = { length: 5, lastGeneratedId: '14-0', firstId: '10-0', entriesAdded: 5 };
// One trimmed to nothing (MAXLEN 0) after issuing up to 19-0.
const empty: StreamInfo = { length: 0, lastGeneratedId: '19-0', firstId: undefined, entriesAdded: 10 };
// Redis before 7 (no entries-added).
const old: StreamInfo = { length: 5, lastGeneratedId: '19-0', firstId: '15-0', entriesAdded: undefined };

describe('judgeAbsentId: a Last-Event-ID the stream does not hold', () => {
  it.each([
    ['no stream at all', '12-0', undefined, 'unknown'],
    ['newer than any event issued', '20-0', trimmed, 'unknown'],
    ['the newest event issued, trimmed since', '19-0', empty, 'complete'],
    ['within what is kept (never issued)', '16-5', trimmed, 'unknown'],
    ['before what is kept, after trimming', '12-0', trimmed, 'expired'],
    ['before the first entry of a stream never trimmed', '9-0', whole, 'unknown'],
    ['before what is kept, an empty stream', '12-0', empty, 'expired'],
    ['before what is kept, Redis 6', '12-0', old, 'expired'],
    ['0-0 on a trimmed stream', '0-0', trimmed, 'expired'],
    ['the id just before the first kept (nothing can lie between)', '14-18446744073709551615', trimmed, 'complete'],
  ] as const)('%s (%s) -> %s', (_name, id, info, verdict) => {
    expect(judgeAbsentId(id, info)).toBe(verdict);
  });
});

describe('lostAfter: may a reader at this position have missed trimmed entries?', () => {
  it.each([
    ['position within what is kept', '16-0', trimmed, false],
    ['position at the first kept entry', '15-0', trimmed, false],
    ['position before what is kept', '14-0', trimmed, true],
    ['position just before the first kept (nothing can lie between)', '14-18446744073709551615', trimmed, false],
    ['position before the first entry of a never-trimmed stream', '0-0', whole, false],
    ['position at the newest of an emptied stream', '19-0', empty, false],
    ['position before the newest of an emptied stream', '18-0', empty, true],
    ['the stream is gone, having been read', '12-0', undefined, true],
    ['the stream is gone, never existed', '0-0', undefined, false],
    ['Redis 6, position before what is kept', '14-0', old, true],
  ] as const)('%s (%s) -> %s', (_name, position, info, lost) => {
    expect(lostAfter(position, info)).toBe(lost);
  });
});

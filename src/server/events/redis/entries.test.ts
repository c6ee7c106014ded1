import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, keyOf, readStreamInfo, readStreams, tenantOfKey } from './entries.js';

describe('stream entries', () => {
  it('decode(encode(event)) is the event, for any JSON data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('orders', 'orders.updated', 'a-b_c.d'), (data, topic) => {
        const fields = encodeEntry({ tenant: 't', topic, data }, '2024-01-01T00:00:00.000Z');
        expect(decodeEntry('t', '1-0', fields)).toEqual({ id: '1-0', tenant: 't', topic, data: JSON.parse(JSON.stringify(data)), ts: '2024-01-01T00:00:00.000Z' });
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['not a list', 'x'],
    ['odd length', ['topic', 'orders', 'data']],
    ['no topic', ['data', '1', 'ts', 'x']],
    ['not a topic', ['topic', 'orders..x', 'data', '1', 'ts', 'x']],
    ['no data', ['topic', 'orders', 'ts', 'x']],
    ['data not JSON', ['topic', 'orders', 'data', '{', 'ts', 'x']],
    ['no ts', ['topic', 'orders', 'data', '1']],
    ['a non-string value', ['topic', 'orders', 'data', 1, 'ts', 'x']],
  ])('refuses an entry it did not write: %s', (_name, fields) => {
    expect(decodeEntry('t', '1-0', fields)).toBeUndefined();
  });

  it('names one key per tenant and reads the tenant back', () => {
    expect(keyOf('acme.localhost')).toBe('xp:events:acme.localhost');
    expect(tenantOfKey(keyOf('acme.localhost'))).toBe('acme.localhost');
    expect(tenantOfKey('other:key')).toBeUndefined();
  });

  it('reads XREAD and XINFO STREAM replies, and nothing from malformed ones', () => {
    expect(readStreams(null)).toEqual([]);
    expect(readStreams([['k', [['1-0', ['a', 'b']], 'junk']], 'junk'])).toEqual([{ key: 'k', entries: [{ id: '1-0', fields: ['a', 'b'] }] }]);
    expect(readStreamInfo(['length', 2, 'last-generated-id', '3-0', 'entries-added', 4, 'first-entry', ['2-0', ['a', 'b']]])).toEqual({
      length: 2, lastGeneratedId: '3-0', firstId: '2-0', entriesAdded: 4,
    });
    expect(readStreamInfo(['length', 0, 'last-generated-id', '0-0', 'first-entry', null])).toEqual({ length: 0, lastGeneratedId: '0-0', firstId: undefined, entriesAdded: undefined });
    expect(readStreamInfo('nope')).toBeUndefined();
    expect(readStreamInfo(null)).toBeUndefined();
    expect(readStreamInfo(['length', '2'])).toBeUndefined();
  });

  it('reads XINFO STREAM the same in each form a client gives it (RESP2 list, RESP3 object or Map)', () => {
    const fields: Array<[string, unknown]> = [['length', 2], ['radix-tree-keys', 1], ['last-generated-id', '3-0'], ['entries-added', 4], ['first-entry', ['2-0', ['a', 'b']]]];
    const expected = { length: 2, lastGeneratedId: '3-0', firstId: '2-0', entriesAdded: 4 };
    for (const reply of [fields.flat(), Object.fromEntries(fields), new Map(fields)]) expect(readStreamInfo(reply)).toEqual(expected);
    for (const reply of [{ length: '2', 'last-generated-id': '3-0' }, new Map([['length', 2]]), {}]) expect(readStreamInfo(reply)).toBeUndefined();
  });
});

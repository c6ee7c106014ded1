import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matches, TOPIC } from '../../config/index.js';
import { covers, isTopic, parseTopicsQuery } from './topics.js';

describe('parseTopicsQuery accepts exactly topics=<t>[,<t>...]', () => {
  it.each([
    ['topics=orders', ['orders']],
    ['topics=orders,stock.levels', ['orders', 'stock.levels']],
    ['topics=Orders.Created_eu-1', ['Orders.Created_eu-1']],
    ['topics=orders,orders.created', ['orders', 'orders.created']],
    [`topics=${'a'.repeat(200)}`, ['a'.repeat(200)]],
    [`topics=${Array.from({ length: 20 }, (_, i) => `t${i}`).join(',')}`, Array.from({ length: 20 }, (_, i) => `t${i}`)],
  ])('%s', (query, topics) => {
    expect(parseTopicsQuery(query)).toEqual({ ok: true, topics });
  });
});

describe('parseTopicsQuery checks the framing only', () => {
  it.each([
    // the list as a whole
    ['no query', '', 'invalid_topics'],
    ['no value', 'topics', 'invalid_topics'],
    ['empty list', 'topics=', 'invalid_topics'],
    ['another parameter', 'topic=orders', 'invalid_topics'],
    ['an extra parameter', 'topics=orders&x=1', 'invalid_topics'],
    ['topics twice', 'topics=orders&topics=stock.levels', 'invalid_topics'],
    ['the same topics twice', 'topics=orders&topics=orders', 'invalid_topics'],
    ['trailing &', 'topics=orders&', 'invalid_topics'],
    ['leading &', '&topics=orders', 'invalid_topics'],
    ['percent-encoded key', 'topic%73=orders', 'invalid_topics'],
    ['key of another case', 'Topics=orders', 'invalid_topics'],
    ['key with a space', 'topics+=orders', 'invalid_topics'],
    ['a repeated topic', 'topics=orders,orders', 'invalid_topics'],
    ['21 topics', `topics=${Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')}`, 'invalid_topics'],
    ['an entry of 201 bytes', `topics=${'a'.repeat(201)}`, 'invalid_topics'],
    ['only a comma (two empty entries: a repeat)', 'topics=,', 'invalid_topics'],
  ])('%s (%s) -> %s', (_name, query, code) => {
    expect(parseTopicsQuery(query)).toEqual({ ok: false, code });
  });
});

describe('parseTopicsQuery hands every entry to the policy as sent (it judges malformed_topic)', () => {
  it.each([
    ['empty entry between', 'topics=orders,,stock.levels'],
    ['empty entry at the end', 'topics=orders,'],
    ['empty entry at the start', 'topics=,orders'],
    ['leading %20', 'topics=%20orders'],
    ['trailing %20', 'topics=orders%20'],
    ['leading +', 'topics=+orders'],
    ['trailing +', 'topics=orders+'],
    ['space after the comma (+)', 'topics=orders,+stock.levels'],
    ['tab', 'topics=orders%09'],
    ['newline', 'topics=orders%0A'],
    ['CR LF', 'topics=orders%0D%0A'],
    ['NUL', 'topics=orders%00'],
    ['other control character', 'topics=orders%01'],
    ['no-break space', 'topics=orders%C2%A0'],
    ['byte-order mark', 'topics=%EF%BB%BForders'],
    ['ideographic space', 'topics=orders%E3%80%80'],
    ['line separator', 'topics=orders%E2%80%A8'],
    ['percent-encoded topic character', 'topics=%6Frders'],
    ['percent-encoded dot', 'topics=orders%2Ecreated'],
    ['percent-encoded comma', 'topics=orders%2Cstock.levels'],
    ['malformed percent-encoding', 'topics=orders%ZZ'],
    ['non-ASCII letter', 'topics=%C3%B6rders'],
    ['fullwidth letters', 'topics=%EF%BD%8Frders'],
    ['semicolon as a separator', 'topics=orders;stock.levels'],
    ['slash', 'topics=orders/created'],
    ['wildcard', 'topics=orders.*'],
    ['leading dot', 'topics=.orders'],
    ['trailing dot', 'topics=orders.'],
    ['double dot', 'topics=orders..created'],
  ])('%s (%s)', (_name, query) => {
    const list = query.slice('topics='.length);
    expect(parseTopicsQuery(query)).toEqual({ ok: true, topics: list.split(',') });
  });

  it('what it accepts is exactly what was sent, split at raw commas', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.stringMatching(/^[A-Za-z0-9_.,%+ \t-]{0,60}$/)), (value) => {
        const parsed = parseTopicsQuery(`topics=${value}`);
        if (!parsed.ok) return;
        expect(parsed.topics.join(',')).toBe(value);
        expect(parsed.topics.every((t) => Buffer.byteLength(t) <= 200)).toBe(true);
        expect(new Set(parsed.topics).size).toBe(parsed.topics.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isTopic (publish) is the config layer\'s rule', () => {
  it('agrees with the config TOPIC pattern on any string of at most 200 characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.stringMatching(/^[A-Za-z0-9_.-]{0,30}$/)), (value) => {
        expect(isTopic(value)).toBe(matches(TOPIC, value));
      }),
      { numRuns: 2000 },
    );
  });
  it.each([null, undefined, 1, ['orders'], { topic: 'orders' }])('refuses the non-string %j', (value) => {
    expect(isTopic(value)).toBe(false);
  });
});

describe('covers', () => {
  it('matches whole segments', () => {
    expect(covers('orders', 'orders')).toBe(true);
    expect(covers('orders', 'orders.created')).toBe(true);
    expect(covers('orders', 'ordersx')).toBe(false);
    expect(covers('orders.created', 'orders')).toBe(false);
  });
});

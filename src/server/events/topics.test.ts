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

describe('parseTopicsQuery normalises nothing', () => {
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
    // one entry
    ['empty entry between', 'topics=orders,,stock.levels', 'invalid_topic'],
    ['empty entry at the end', 'topics=orders,', 'invalid_topic'],
    ['empty entry at the start', 'topics=,orders', 'invalid_topic'],
    ['only a comma', 'topics=,', 'invalid_topic'],
    ['leading %20', 'topics=%20orders', 'invalid_topic'],
    ['trailing %20', 'topics=orders%20', 'invalid_topic'],
    ['leading +', 'topics=+orders', 'invalid_topic'],
    ['trailing +', 'topics=orders+', 'invalid_topic'],
    ['space after the comma (+)', 'topics=orders,+stock.levels', 'invalid_topic'],
    ['tab', 'topics=orders%09', 'invalid_topic'],
    ['newline', 'topics=orders%0A', 'invalid_topic'],
    ['CR LF', 'topics=orders%0D%0A', 'invalid_topic'],
    ['NUL', 'topics=orders%00', 'invalid_topic'],
    ['other control character', 'topics=orders%01', 'invalid_topic'],
    ['no-break space', 'topics=orders%C2%A0', 'invalid_topic'],
    ['byte-order mark', 'topics=%EF%BB%BForders', 'invalid_topic'],
    ['ideographic space', 'topics=orders%E3%80%80', 'invalid_topic'],
    ['line separator', 'topics=orders%E2%80%A8', 'invalid_topic'],
    ['percent-encoded topic character', 'topics=%6Frders', 'invalid_topic'],
    ['percent-encoded dot', 'topics=orders%2Ecreated', 'invalid_topic'],
    ['percent-encoded comma', 'topics=orders%2Cstock.levels', 'invalid_topic'],
    ['malformed percent-encoding', 'topics=orders%ZZ', 'invalid_topic'],
    ['non-ASCII letter', 'topics=%C3%B6rders', 'invalid_topic'],
    ['fullwidth letters', 'topics=%EF%BD%8Frders', 'invalid_topic'],
    ['semicolon as a separator', 'topics=orders;stock.levels', 'invalid_topic'],
    ['slash', 'topics=orders/created', 'invalid_topic'],
    ['wildcard', 'topics=orders.*', 'invalid_topic'],
    ['leading dot', 'topics=.orders', 'invalid_topic'],
    ['trailing dot', 'topics=orders.', 'invalid_topic'],
    ['double dot', 'topics=orders..created', 'invalid_topic'],
    ['201 characters', `topics=${'a'.repeat(201)}`, 'invalid_topic'],
  ])('%s (%s) -> %s', (_name, query, code) => {
    expect(parseTopicsQuery(query)).toEqual({ ok: false, code });
  });

  it('what it accepts is exactly what was sent, split at raw commas', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.stringMatching(/^[A-Za-z0-9_.,%+ \t-]{0,60}$/)), (value) => {
        const parsed = parseTopicsQuery(`topics=${value}`);
        if (!parsed.ok) return;
        expect(parsed.topics.join(',')).toBe(value);
        expect(parsed.topics.every((t) => matches(TOPIC, t))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isTopic is the config layer\'s rule', () => {
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

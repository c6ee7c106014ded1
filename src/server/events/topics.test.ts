import { describe, expect, it } from 'vitest';
import { covers, parseTopics } from './topics.js';

describe('parseTopics', () => {
  it('splits, trims and de-duplicates', () => {
    expect(parseTopics('orders, stock.levels,orders')).toEqual(['orders', 'stock.levels']);
  });
  it.each([undefined, '', ',', 'a..b', '.a', 'a.', 'a b', 'a/b', Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')])('refuses %s', (raw) => {
    expect(parseTopics(raw)).toBeUndefined();
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

/**
 * SSE topics are judged exactly as sent. Each refused query is sent as raw bytes (no client
 * re-encodes it) and must be a 400 before a stream is registered: one the HTTP layer cannot
 * frame as a list (`invalid_topics`) before the policy is asked anything, a list with an entry
 * that is no topic by the policy (`malformed_topic`), asked about the entry exactly as sent;
 * each accepted one must reach the policy, and the stream, unchanged.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { DecisionEngine } from '../../src/engine/index.js';
import { PUBLISH_TOKEN, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';
import { openSse, type SseClient } from './support/sse.js';

let bff: TestBff;
let cookie: string;
let judged: MockInstance<DecisionEngine['sse']>;
const open: SseClient[] = [];

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff, 'alice', ['member']);
});
beforeEach(() => {
  // The engine serving now (no reload happens in this file): every topic the policy is asked about.
  judged = vi.spyOn(bff.running.reloader.current().engine, 'sse');
});
afterEach(() => {
  judged.mockRestore();
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await bff?.close();
});

const topicsJudged = () => judged.mock.calls.map(([input]) => input.topic);

function stream(query: string) {
  return rawRequest(bff.port, [`GET /events/stream?${query} HTTP/1.1`, 'Host: localhost', `Cookie: ${cookie}`, 'X-Plugin-Id: orders'].join('\r\n'));
}

// `orders` may subscribe to `orders` and `stock.levels`: every query below would have been
// accepted as one of those after trimming, decoding, folding or dropping something.
const REFUSED: Array<[string, string, 'malformed_topic' | 'invalid_topics']> = [
  ['leading space (%20)', 'topics=%20orders', 'malformed_topic'],
  ['trailing space (%20)', 'topics=orders%20', 'malformed_topic'],
  ['leading space (+)', 'topics=+orders', 'malformed_topic'],
  ['trailing space (+)', 'topics=orders+', 'malformed_topic'],
  ['space after the comma', 'topics=orders,+stock.levels', 'malformed_topic'],
  ['tab', 'topics=%09orders', 'malformed_topic'],
  ['newline', 'topics=orders%0A', 'malformed_topic'],
  ['CR LF', 'topics=orders%0D%0A', 'malformed_topic'],
  ['NUL', 'topics=orders%00', 'malformed_topic'],
  ['control character', 'topics=orders%1F', 'malformed_topic'],
  ['no-break space', 'topics=%C2%A0orders', 'malformed_topic'],
  ['byte-order mark', 'topics=%EF%BB%BForders', 'malformed_topic'],
  ['em space', 'topics=orders%E2%80%83', 'malformed_topic'],
  ['ideographic space', 'topics=orders%E3%80%80', 'malformed_topic'],
  ['percent-encoded letter', 'topics=%6Frders', 'malformed_topic'],
  ['percent-encoded dot', 'topics=stock%2Elevels', 'malformed_topic'],
  ['percent-encoded comma', 'topics=orders%2Cstock.levels', 'malformed_topic'],
  ['fullwidth letters', 'topics=%EF%BD%8F%EF%BD%92%EF%BD%84%EF%BD%85%EF%BD%92%EF%BD%93', 'malformed_topic'],
  ['empty entry', 'topics=orders,,stock.levels', 'malformed_topic'],
  ['trailing comma', 'topics=orders,', 'malformed_topic'],
  ['leading comma', 'topics=,orders', 'malformed_topic'],
  ['trailing dot', 'topics=orders.', 'malformed_topic'],
  ['semicolon separator', 'topics=orders;stock.levels', 'malformed_topic'],
  ['topic too long', `topics=orders.${'a'.repeat(200)}`, 'invalid_topics'],
  ['empty list', 'topics=', 'invalid_topics'],
  ['repeated topic', 'topics=orders,orders', 'invalid_topics'],
  ['topics twice', 'topics=orders&topics=stock.levels', 'invalid_topics'],
  ['topics twice, the same', 'topics=orders&topics=orders', 'invalid_topics'],
  ['trailing &', 'topics=orders&', 'invalid_topics'],
  ['another parameter', 'topics=orders&x=1', 'invalid_topics'],
  ['encoded key', 'topic%73=orders', 'invalid_topics'],
  ['key of another case', 'TOPICS=orders', 'invalid_topics'],
  ['21 topics', `topics=${Array.from({ length: 21 }, (_, i) => `orders.t${i}`).join(',')}`, 'invalid_topics'],
];

describe('GET /events/stream refuses a topic it would have to normalise', () => {
  it.each(REFUSED)('%s (%s) -> 400 %s', async (_name, query, code) => {
    const res = await stream(query);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code, message: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectSecurityHeaders(res);
    if (code === 'invalid_topics') expect(topicsJudged(), 'the policy was asked nothing').toEqual([]);
    else expect(query.slice('topics='.length).split(','), 'the policy was asked about every entry up to the malformed one, as sent').toEqual(expect.arrayContaining(topicsJudged()));
    if (code === 'malformed_topic') expect(judged.mock.results.at(-1)?.value, 'the last entry asked is the one refused').toMatchObject({ allow: false, reason: 'malformed_topic' });
    expect(bff.running.bff.streams.size, 'no stream registered').toBe(0);
  });

  it.each([
    // a space ends the target: what follows is no HTTP version
    ['raw space', 'topics= orders', 'bad_request'],
    // a byte no target may hold: the HTTP layer's rule (docs/contracts.md, "Path rules")
    ['raw tab', 'topics=\torders', 'malformed_request'],
  ])('%s in the request line is refused by Node\'s parser', async (_name, query, code) => {
    const res = await stream(query);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).code).toBe(code);
    expectSecurityHeaders(res);
    expect(topicsJudged()).toEqual([]);
  });
});

describe('GET /events/stream judges exactly what was asked', () => {
  it.each([
    ['another case', 'topics=ORDERS', ['ORDERS']],
    ['another case, second entry', 'topics=orders,Stock.Levels', ['orders', 'Stock.Levels']],
    ['a prefix without its boundary', 'topics=ordersx', ['ordersx']],
  ])('%s (%s): the policy sees it unchanged and denies it (403)', async (_name, query, topics) => {
    const res = await stream(query);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).code).toBe('topic_not_allowed');
    expect(topicsJudged()).toEqual(topics);
    expect(bff.running.bff.streams.size).toBe(0);
  });

  it.each([
    ['one topic', 'orders', ['orders']],
    ['two topics', 'orders,stock.levels', ['orders', 'stock.levels']],
    ['a topic below a prefix', 'orders.created.eu', ['orders.created.eu']],
  ])('%s: the policy and the stream get the topics as sent', async (_name, topics, expected) => {
    const client = await openSse(`${bff.url}/events/stream?topics=${topics}`, { cookie, 'x-plugin-id': 'orders' });
    open.push(client);
    expect(client.status).toBe(200);
    expect(topicsJudged()).toEqual(expected);
    expect(bff.running.bff.streams.size).toBe(1);
    // The stream is subscribed to the topics as sent: an event under the last one arrives.
    const res = await bff.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: `${expected.at(-1)}.x`, data: 1 });
    expect(res.status).toBe(202);
    const frame = await client.next((f) => f.event === 'message');
    expect(JSON.parse(frame.data ?? '{}').topic).toBe(`${expected.at(-1)}.x`);
  });
});

describe('POST /events/publish takes the config layer\'s topic rule (no policy decision judges a publish)', () => {
  const publish = (topic: unknown) => bff.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic, data: null });
  // Every event the hub accepted, as its subscribers see it.
  const published: string[] = [];
  beforeAll(() => {
    bff.running.bff.hub.subscribe((e) => published.push(e.topic));
  });

  it.each([' orders', 'orders ', 'orders\n', 'orders\u0000', '\u00a0orders', 'orders\ufeff', 'orders,stock.levels', '', 'orders.', `orders.${'a'.repeat(200)}`, 42, null, ['orders']])(
    '%j -> 400 invalid_topic, nothing published',
    async (topic) => {
      const before = published.length;
      const res = await publish(topic);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_topic');
      expect(published.length).toBe(before);
    },
  );

  it('a topic of 200 characters is published as sent', async () => {
    const topic = `orders.${'a'.repeat(193)}`;
    const before = published.length;
    const res = await publish(topic);
    expect(res.status).toBe(202);
    expect(published.slice(before)).toEqual([topic]);
  });
});

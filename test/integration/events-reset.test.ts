/**
 * `event: reset` on one BFF with the in-memory hub: a Last-Event-ID older than the replay
 * buffer, malformed, in the old numeric form, or issued by another BFF process gets the reset
 * (with the newest id as its id) instead of a silent partial replay; a reconnect from that id
 * resumes without another one.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, login, startBff, type TestBff } from './support/bff.js';
import { openSse, payload, type SseClient } from './support/sse.js';

let bff: TestBff;
let other: TestBff;
let cookie: string;
const open: SseClient[] = [];

beforeAll(async () => {
  [bff, other] = await Promise.all([startBff({ SSE_REPLAY_BUFFER: '2' }), startBff()]);
});
// A fresh session per test: the stream cap is per session and plugin.
beforeEach(async () => {
  cookie = await login(bff, 'alice', ['member']);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  for (const s of open) s.close();
  await Promise.all([bff?.close(), other?.close()]);
});

async function stream(lastEventId: string | undefined, target = bff, who = cookie): Promise<SseClient> {
  const headers: Record<string, string> = { cookie: who, 'x-plugin-id': 'orders' };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const client = await openSse(`${target.url}/events/stream?topics=orders`, headers);
  open.push(client);
  expect(client.status).toBe(200);
  return client;
}

async function publish(data: unknown, target = bff): Promise<string> {
  const res = await target.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'orders.updated', data });
  expect(res.status).toBe(202);
  expect(res.body.id).toMatch(/^\d+-\d+$/);
  return res.body.id as string;
}

const first = (s: SseClient) => s.next((f) => f.event === 'message' || f.event === 'reset');

describe('event: reset (in-memory hub, SSE_REPLAY_BUFFER=2)', () => {
  it('replays after an id still kept, with no reset', async () => {
    const ids = [await publish(1), await publish(2), await publish(3)];
    const s = await stream(ids[1]);
    const frame = await first(s);
    expect(frame.event).toBe('message');
    expect(frame.id).toBe(ids[2]);
    expect(payload(frame).data).toBe(3);
  });

  it.each([
    ['an id older than the buffer', 'expired'],
    ['the old numeric form', 'unknown'],
    ['a malformed id', 'unknown'],
    ['an id of another BFF process', 'unknown'],
  ])('%s gets event: reset (%s) with the newest id, then live events', async (what, reason) => {
    const ids = [await publish('a'), await publish('b'), await publish('c'), await publish('d')];
    const sent = {
      'an id older than the buffer': ids[0],
      'the old numeric form': '42',
      'a malformed id': '1-2-3 x',
      'an id of another BFF process': await publish('elsewhere', other),
    }[what] as string;
    const s = await stream(sent);
    const frame = await first(s);
    expect(frame.raw).toBe(`id: ${ids[3]}\nevent: reset\ndata: {"reason":"${reason}"}`);
    const live = await publish('live');
    const next = await first(s);
    expect(next.id).toBe(live);
    expect(payload(next).data).toBe('live');
  });

  it('a reconnect from the reset\'s id resumes with the events after it, and no second reset', async () => {
    const ids = [await publish('p'), await publish('q'), await publish('r'), await publish('s')];
    const s = await stream(ids[0]);
    const reset = await first(s);
    expect(reset.event).toBe('reset');
    s.close();
    const after = await publish('t');
    const again = await stream(reset.id);
    const frame = await first(again);
    expect(frame.event).toBe('message');
    expect(frame.id).toBe(after);
  });

  it('counts resets by reason', async () => {
    const text = (await bff.metricsHttp().get('/metrics')).text;
    expect(text).toMatch(/experience_sse_resets_total\{tenant="localhost",reason="expired"\} [1-9]/);
    expect(text).toMatch(/experience_sse_resets_total\{tenant="localhost",reason="unknown"\} [1-9]/);
  });
});

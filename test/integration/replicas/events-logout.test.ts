/**
 * Sessions and events both on the one Redis: a logout on replica A closes, within a second, the
 * streams of that session open on the other replicas while they are receiving events, and only
 * those: another session of the same user, streaming on the same replica, goes on receiving what
 * is published next, and the ended session's streams got nothing after the logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, devLogin } from '../support/client.js';
import { openSse, type SseClient } from '../support/sse.js';
import { nextEvent, published, startEventReplicas, type EventReplicas, type Replica } from './events-support.js';

/** The requirement: every replica's streams of an ended session are closed within this. */
const CLOSED_WITHIN_MS = 1000;

let cluster: EventReplicas;
let replicas: Replica[];
const open: SseClient[] = [];

beforeAll(async () => {
  cluster = await startEventReplicas();
  ({ replicas } = cluster);
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await cluster?.close();
});

async function streamOn(replica: Replica, cookie: string): Promise<SseClient> {
  const s = await openSse(`${replica.url}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
  open.push(s);
  expect(s.status, replica.name).toBe(200);
  return s;
}

const port = (r: Replica) => Number(new URL(r.url).port);

describe('logout on one replica, streams on the others, events on Redis', () => {
  it.each([
    [0, 1],
    [1, 2],
    [2, 0],
  ])('a logout on replica %i closes the session\'s live streams on replica %i and the third within a second; another session streams on', async (a, b) => {
    const [at, on] = [replicas[a] as Replica, replicas[b] as Replica];
    const third = replicas.find((r) => r !== at && r !== on) as Replica;
    const ending = await devLogin(port(at));
    const kept = await devLogin(port(on)); // the same user, another browser
    const endingStreams = [await streamOn(on, ending), await streamOn(third, ending)];
    const keptStream = await streamOn(on, kept);

    const first = await published(third, 'orders.updated', { n: `before logout on ${a}` });
    for (const s of [...endingStreams, keptStream]) expect((await nextEvent(s)).id).toBe(first);

    const out = await call(port(at), { method: 'POST', path: '/auth/logout', headers: { cookie: ending, 'x-experience-csrf': '1' } });
    expect(out.status).toBe(204);
    await Promise.all(endingStreams.map((s) => s.ended(CLOSED_WITHIN_MS)));
    for (const s of endingStreams) expect(s.frames.some((f) => f.comment === 'session ended')).toBe(true);

    const second = await published(at, 'orders.updated', { n: `after logout on ${a}` });
    expect((await nextEvent(keptStream)).id).toBe(second);
    for (const s of endingStreams) expect(s.frames.filter((f) => f.event !== undefined).map((f) => f.id)).toEqual([first]);
    expect(keptStream.frames.some((f) => f.comment === 'session ended')).toBe(false);
    keptStream.close();
  });
});

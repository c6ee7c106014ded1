/**
 * Decision logs against a real BFF: every decision a request makes leaves as an OPA decision-log
 * event (checked against a JSON Schema written from OPA's documentation), POSTed gzip-compressed
 * to a loopback decision-log service, with the operator's masks applied; its id is the
 * response's X-Decision-Id and the request log's decision_id. A stalled service never holds up a
 * request: what does not fit the buffer is dropped and counted in /metrics. Console and file sinks too.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaEventErrors } from '../../src/decision-log/testing/opa-event-schema.js';
import { eventually, login, PUBLISH_TOKEN, startBff, type TestBff } from './support/bff.js';
import { startDecisionSink, type DecisionSinkServer } from './support/decision-sink.js';
import { openSse } from './support/sse.js';
import { upstreamAnswer } from './support/upstream.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
type Event = Record<string, unknown> & { decision_id: string; path: string; input: Record<string, unknown>; result: Record<string, unknown> };

function idsOf(res: { headers: Record<string, unknown> }): string[] {
  const header = res.headers['x-decision-id'];
  expect(typeof header).toBe('string');
  const ids = String(header).split(', ');
  for (const id of ids) expect(id).toMatch(UUID);
  return ids;
}

function requestLine(bff: TestBff, requestId: string): Record<string, unknown> {
  const line = bff.logs().find((l) => l.msg === 'request' && l.requestId === requestId);
  if (!line) throw new Error(`no request log line for ${requestId}`);
  return line;
}

/** The sum of a metric's series (every label set). */
async function metric(bff: TestBff, name: string): Promise<number> {
  const text = (await bff.metricsHttp().get('/metrics')).text;
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (lines.length === 0) throw new Error(`no ${name} in /metrics`);
  return lines.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('decision logs to an HTTP decision-log service', () => {
  let sink: DecisionSinkServer;
  let bff: TestBff;
  let cookie: string;

  beforeAll(async () => {
    sink = await startDecisionSink();
    bff = await startBff({
      DECISION_LOG: 'http',
      DECISION_LOG_URL: sink.url,
      DECISION_LOG_TOKEN: 'decision-log-token-0123',
      DECISION_LOG_FLUSH_MS: '20',
      DECISION_LOG_INSTANCE_ID: 'bff-test-1',
      DECISION_LOG_MASK: '/input/user/id,/input/subject/id=**REDACTED**',
      // A bundle served whole is logged at debug (static asset); its line must carry decision_id too.
      LOG_LEVEL: 'debug',
    });
    cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
  });
  afterAll(async () => {
    await bff?.close();
    await sink?.close();
  });

  /** The events with these ids, once the service has them all. */
  function eventsFor(ids: string[]): Promise<Event[]> {
    return eventually(() => {
      const byId = new Map(sink.events().map((e) => [e.decision_id as string, e as Event]));
      return ids.map((id) => {
        const event = byId.get(id);
        if (!event) throw new Error(`event ${id} not received`);
        return event;
      });
    }, 'the decision-log service to receive the events');
  }

  // Every kind of decision, allowed and refused: [name, request, expected status, entrypoint, expected decisions].
  const cases: Array<[string, (b: TestBff, c: string) => Promise<{ status: number; headers: Record<string, unknown> }>, number, string, number]> = [
    ['allowed plugin call', (b, c) => b.http().get('/api/hello').set('Cookie', c).set('X-Plugin-Id', 'hello'), 200, 'experience/api/decision', 1],
    ['refused plugin call (not in the allow-list)', (b, c) => b.http().get('/api/orders').set('Cookie', c).set('X-Plugin-Id', 'hello'), 403, 'experience/api/decision', 1],
    ['plugin call without a plugin id', (b, c) => b.http().get('/api/hello').set('Cookie', c), 403, 'experience/api/decision', 1],
    ['manifests (contributions)', (b, c) => b.http().get('/api/plugins/manifests').set('Cookie', c), 200, 'experience/contributions/decision', 1],
    ['bundle (contributions)', (b, c) => b.http().get('/api/plugins/bundle?entry=hello%401.0.0&id=hello').set('Cookie', c), 200, 'experience/contributions/decision', 1],
    ['authz granted', (b, c) => b.http().post('/api/authz/evaluate').set('Cookie', c).send({ resource: 'orders.page', action: 'view' }), 200, 'experience/authz/decision', 1],
    ['authz not granted', (b, c) => b.http().post('/api/authz/evaluate').set('Cookie', c).send({ resource: 'reports', action: 'read' }), 200, 'experience/authz/decision', 1],
    ['refused stream (undeclared topic)', (b, c) => b.http().get('/events/stream?topics=secrets').set('Cookie', c).set('X-Plugin-Id', 'orders'), 403, 'experience/sse/decision', 1],
  ];

  it.each(cases)('%s: one OPA event per decision, its id on the response and in the request log', async (_name, send, status, entrypoint, count) => {
    const res = await send(bff, cookie);
    expect(res.status).toBe(status);
    const ids = idsOf(res);
    expect(ids).toHaveLength(count);
    const events = await eventsFor(ids);
    const revision = bff.running.reloader.status().revision;
    for (const event of events) {
      expect(opaEventErrors(event)).toEqual([]);
      expect(event.path).toBe(entrypoint);
      expect(event.labels).toEqual({ id: 'bff-test-1', version: '1.4.0' });
      expect(event.bundles).toEqual({ policy: { revision: revision.policy }, data: { revision: revision.data } });
      expect(event.input.tenant).toBe('localhost');
      expect(Number.isInteger((event.metrics as Record<string, number>).timer_rego_query_eval_ns)).toBe(true);
    }
    const refused = status === 403;
    if (entrypoint !== 'experience/contributions/decision') expect(events.at(-1)!.result.allow).toBe(!refused && !(_name === 'authz not granted'));
    await eventually(() => expect(requestLine(bff, String(res.headers['x-request-id'])).decision_id).toBe(ids.join(', ')), 'the request log line');
  });

  it('an allowed stream of two topics makes two decisions, both on the response', async () => {
    const stream = await openSse(`${bff.url}/events/stream?topics=orders,stock.levels`, { cookie, 'x-plugin-id': 'orders' });
    try {
      expect(stream.status).toBe(200);
      const ids = idsOf({ headers: { 'x-decision-id': stream.headers.get('x-decision-id') } });
      expect(ids).toHaveLength(2);
      const events = await eventsFor(ids);
      expect(events.map((e) => [e.path, e.input.topic, e.result.allow])).toEqual([
        ['experience/sse/decision', 'orders', true],
        ['experience/sse/decision', 'stock.levels', true],
      ]);
    } finally {
      stream.close();
    }
  });

  it('logs the check each event gets on its way to an open stream, too (no response to carry its id)', async () => {
    const stream = await openSse(`${bff.url}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
    try {
      expect(stream.status).toBe(200);
      const opened = idsOf({ headers: { 'x-decision-id': stream.headers.get('x-decision-id') } });
      const published = await bff.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'orders.shipped', data: { n: 1 } });
      expect(published.status).toBe(202);
      await stream.next((f) => f.data !== undefined && f.data.includes('"n":1'));
      const delivered = await eventually(() => {
        const found = sink.events().find((e) => e.path === 'experience/sse/decision' && (e.input as { topic?: string }).topic === 'orders.shipped');
        if (!found) throw new Error('no delivery check yet');
        return found as Event;
      }, 'the delivery check');
      expect(opaEventErrors(delivered)).toEqual([]);
      expect(opened).not.toContain(delivered.decision_id);
      expect(delivered.input).toEqual({ tenant: 'localhost', plugin_id: 'orders', topic: 'orders.shipped' });
      expect(delivered.result.allow).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('masks what leaves the process (erase and upsert, recorded), never what the request used', async () => {
    const manifests = await bff.http().get('/api/plugins/manifests').set('Cookie', cookie);
    const authz = await bff.http().post('/api/authz/evaluate').set('Cookie', cookie).send({ resource: 'orders.page', action: 'view' });
    // The decisions themselves were made on the real user: alice may see orders.page.
    expect(authz.body).toEqual({ allow: true, reason: expect.any(String) as string });
    expect((manifests.body as { plugins: Array<{ id: string }> }).plugins.map((p) => p.id)).toContain('orders');
    const [contributions] = await eventsFor(idsOf(manifests));
    const [granted] = await eventsFor(idsOf(authz));
    expect(contributions!.input).toEqual({ tenant: 'localhost', user: { roles: ['member', 'dashboard-user'] } });
    expect(contributions!.erased).toEqual(['/input/user/id']);
    expect(granted!.input.subject).toEqual({ id: '**REDACTED**', roles: ['member', 'dashboard-user'] });
    expect(granted!.masked).toEqual(['/input/subject/id']);
    expect(granted!.erased).toBeUndefined();
    // The upsert applies only where the field exists: no subject is made up on a contributions event.
    expect(contributions!.masked).toBeUndefined();
    // The same decision again (from the memo) is a new event, masked the same way.
    const again = await bff.http().get('/api/plugins/manifests').set('Cookie', cookie);
    const [second] = await eventsFor(idsOf(again));
    expect(second!.decision_id).not.toBe(contributions!.decision_id);
    expect(second!.input).toEqual(contributions!.input);
  });

  it('no event carries the user id (masked), the session cookie or any token', async () => {
    await bff.http().get('/api/hello').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    await eventually(() => expect(sink.posts.length).toBeGreaterThan(0), 'a post');
    const sid = cookie.split('=').slice(1).join('=');
    const text = sink.posts.map((p) => p.text).join('\n');
    expect(sid.length).toBeGreaterThan(10);
    expect(text).not.toContain(sid);
    expect(text).not.toContain('"alice"');
    expect(text).not.toMatch(/token|authorization|cookie/i);
  });

  it("posts as OPA's decision-log service API says: gzip, JSON, bearer token", async () => {
    await eventually(() => expect(sink.posts.length).toBeGreaterThan(0), 'a post');
    for (const post of sink.posts) {
      expect(post.url).toBe('/logs');
      expect(post.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', authorization: 'Bearer decision-log-token-0123' });
      expect(Array.isArray(post.events)).toBe(true);
    }
  });

  it("keeps its own X-Decision-Id over an upstream's", async () => {
    const res = await bff.http().get(upstreamAnswer({ status: 200, headers: [['X-Decision-Id', 'spoofed'], ['x-decision-id', 'again']], body: '{}' })).set('Cookie', cookie).set('X-Plugin-Id', 'orders');
    expect(res.status).toBe(200);
    const ids = idsOf(res);
    expect(ids).toHaveLength(1);
    expect((await eventsFor(ids))[0]!.input.plugin_id).toBe('orders');
  });

  it('counts what the service accepted', async () => {
    await eventually(async () => expect(await metric(bff, 'experience_decision_log_sent_total')).toBe(sink.events().length), 'the sent counter');
    expect(await metric(bff, 'experience_decision_log_dropped_total')).toBe(0);
  });
});

describe('decision logs with a stalled decision-log service and a full buffer', () => {
  let sink: DecisionSinkServer;
  let bff: TestBff;

  beforeAll(async () => {
    sink = await startDecisionSink();
    sink.setBlocked(true);
    bff = await startBff({
      DECISION_LOG: 'http',
      DECISION_LOG_URL: sink.url,
      DECISION_LOG_FLUSH_MS: '20',
      DECISION_LOG_BUFFER: '5',
      DECISION_LOG_BATCH: '1',
      DECISION_LOG_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await bff?.close();
    await sink?.close();
  });

  it('answers every request while the service hangs, drops past the buffer and counts the drops; what was kept arrives later', async () => {
    const cookie = await login(bff);
    const calls = 30;
    const ids: string[] = [];
    for (let i = 0; i < calls; i++) {
      const res = await bff.http().get('/api/hello').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
      expect(res.status).toBe(200);
      ids.push(...idsOf(res));
    }
    expect(new Set(ids).size).toBe(calls);
    const dropped = await metric(bff, 'experience_decision_log_dropped_total');
    const buffered = await metric(bff, 'experience_decision_log_buffered');
    // One batch (of one) in flight, five in the buffer: the rest dropped. Nothing was sent.
    expect(buffered).toBeGreaterThanOrEqual(5);
    expect(buffered).toBeLessThanOrEqual(6);
    expect(dropped + buffered).toBe(calls);
    expect(sink.posts).toEqual([]);
    // The service answers again: the held upload times out, is retried, and the kept events arrive.
    sink.setBlocked(false);
    await eventually(() => expect(sink.events().length).toBe(buffered), 'the kept events', 400);
    // Kept events are the oldest ones, in order (newer ones were the ones dropped).
    expect(sink.events().map((e) => e.decision_id)).toEqual(ids.slice(0, buffered));
    expect(await metric(bff, 'experience_decision_log_failed_total')).toBeGreaterThanOrEqual(1);
    expect(await metric(bff, 'experience_decision_log_sent_total')).toBe(buffered);
  });
});

describe('stopping with a decision-log service that never answers', () => {
  it('gives up after DECISION_LOG_TIMEOUT_MS and stops, the events it held counted as dropped', async () => {
    const sink = await startDecisionSink();
    sink.setBlocked(true);
    const bff = await startBff({ DECISION_LOG: 'http', DECISION_LOG_URL: sink.url, DECISION_LOG_FLUSH_MS: '20', DECISION_LOG_TIMEOUT_MS: '300' });
    try {
      const cookie = await login(bff);
      for (let i = 0; i < 3; i++) expect((await bff.http().get('/api/hello').set('Cookie', cookie).set('X-Plugin-Id', 'hello')).status).toBe(200);
      const dropped = bff.running.bff.metrics.decisionLogDropped;
      const started = Date.now();
      await bff.close();
      // Generous: the point is that a hung service cannot hold a stop for ever.
      expect(Date.now() - started).toBeLessThan(10_000);
      const shutdown = (await dropped.get()).values.find((v) => v.labels.reason === 'shutdown');
      expect(shutdown?.value).toBe(3);
      expect(sink.posts).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('decision logs to the console and to a file', () => {
  it('console: JSON lines through the app log, OPA fields at the top level', async () => {
    const bff = await startBff({ DECISION_LOG: 'console', DECISION_LOG_FLUSH_MS: '20', LOG_LEVEL: 'warn' });
    try {
      const cookie = await login(bff);
      const res = await bff.http().get('/api/hello').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
      const [id] = idsOf(res);
      const line = await eventually(() => {
        const found = bff.logs().find((l) => l.msg === 'decision log' && l.decision_id === id);
        if (!found) throw new Error('no decision line yet');
        return found;
      }, 'the decision line');
      // What pino adds to every line (OPA's console logger adds level, msg and time alike).
      const { level, time, service, msg, ...event } = line;
      expect({ level, service, msg, time: typeof time }).toEqual({ level: 'info', service: 'experience-bff', msg: 'decision log', time: 'number' });
      expect(opaEventErrors(event)).toEqual([]);
      expect(event).toMatchObject({ path: 'experience/api/decision', input: { plugin_id: 'hello', method: 'GET', path: '/api/hello' }, result: { allow: true } });
    } finally {
      await bff.close();
    }
  });

  it('file: one JSON line per event, all sent by the time the BFF has stopped', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xp-declog-it-'));
    const file = path.join(dir, 'decisions.jsonl');
    try {
      // A long flush interval: what is left is sent at shutdown.
      const bff = await startBff({ DECISION_LOG: 'file', DECISION_LOG_FILE: file, DECISION_LOG_FLUSH_MS: '600000' });
      const cookie = await login(bff);
      const ids: string[] = [];
      for (const p of ['/api/hello', '/api/orders']) ids.push(...idsOf(await bff.http().get(p).set('Cookie', cookie).set('X-Plugin-Id', 'hello')));
      ids.push(...idsOf(await bff.http().get('/api/plugins/manifests').set('Cookie', cookie)));
      await bff.close();
      const events = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Event);
      expect(events.map((e) => e.decision_id)).toEqual(ids);
      for (const event of events) expect(opaEventErrors(event)).toEqual([]);
      expect(events.map((e) => e.result.allow ?? 'contributions')).toEqual([true, false, 'contributions']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

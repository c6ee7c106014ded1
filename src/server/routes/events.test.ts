import { describe, expect, it } from 'vitest';
import type { SseDecision, SseInput } from '../../engine/types.js';
import type { AppDeps } from '../deps.js';
import { createMetrics } from '../metrics/index.js';
import { recognisedPlugin } from '../middleware/plugin-guard/index.js';
import { testContext, testSnapshot, testSource } from '../testing/context.js';
import { streamRoute, topicGuardStep } from './events.js';

function guard(answer: (input: SseInput) => SseDecision, query: string, plugin: string | undefined = 'hello') {
  const snapshot = testSnapshot({ sse: answer });
  const metrics = createMetrics(testSource(snapshot), { defaultMetrics: false });
  const ctx = testContext({ url: `/events/stream?${query}`, headers: plugin === undefined ? {} : { 'x-plugin-id': plugin } });
  ctx.state.snapshot = snapshot;
  ctx.state.tenant = 'localhost';
  let error: unknown;
  try {
    topicGuardStep({ metrics }).run(ctx);
  } catch (thrown) {
    error = thrown;
  }
  return { ctx, error, denied: async () => (await metrics.sseDenied.get()).values };
}

const allowAll = (): SseDecision => ({ allow: true, reason: 'allowed', matched: 'x' });

describe('topicGuardStep', () => {
  it('asks the policy about every topic as sent, and on allow sets ctx.state.plugin and topics', () => {
    const asked: SseInput[] = [];
    const { ctx, error } = guard((input) => {
      asked.push(input);
      return allowAll();
    }, 'topics=hello,hello.x');
    expect(error).toBeUndefined();
    expect(asked.map((i) => i.topic)).toEqual(['hello', 'hello.x']);
    expect(ctx.state.plugin).toBe('hello');
    expect(ctx.state.topics).toEqual(['hello', 'hello.x']);
    expect(ctx.state.log).toMatchObject({ route: 'events_stream', plugin: 'hello', decision: 'allow', reason: 'allowed' });
  });

  it('refuses at the first denied topic as the catalogue says, counted by that reason', async () => {
    const asked: string[] = [];
    const { ctx, error, denied } = guard((input) => {
      asked.push(input.topic);
      return input.topic === 'secret' ? { allow: false, reason: 'refused' } : allowAll();
    }, 'topics=hello,secret,other');
    expect(asked).toEqual(['hello', 'secret']);
    expect(error).toMatchObject({ name: 'PolicyRefusalError', code: 'refused', httpStatus: 403, message: 'Topic refused by the test policy' });
    expect(ctx.state.plugin).toBeUndefined();
    expect(ctx.state.log).toMatchObject({ plugin: 'hello', decision: 'deny', reason: 'refused' });
    expect(await denied()).toEqual([{ value: 1, labels: { tenant: 'localhost', plugin: 'hello', reason: 'refused' } }]);
  });

  it('labels a plugin the catalogue does not call recognised as unknown, and fails closed when no decision could be made', async () => {
    const failed = guard(() => ({ allow: false, reason: 'evaluation_error' }), 'topics=hello', 'ghost');
    expect(failed.error).toMatchObject({ name: 'UnavailableError', code: 'decision_unavailable' });
    expect(failed.ctx.state.log.plugin).toBeUndefined();
    expect((await failed.denied())[0]?.labels.plugin).toBe('unknown');
  });

  it.each([
    ['no topics parameter', 'other=1'],
    ['a repeated topic', 'topics=a,a'],
    ['an entry of 201 bytes', `topics=${'a'.repeat(201)}`],
  ])('refuses %s before asking the policy (invalid_topics: the framing)', (_name, query) => {
    const { error } = guard(() => {
      throw new Error('the policy must not be asked');
    }, query);
    expect(error).toMatchObject({ name: 'InputError', code: 'invalid_topics' });
  });

  it('asks the policy about a topic as sent, whatever its characters: its reason is the refusal', () => {
    const asked: string[] = [];
    const { error, ctx } = guard((input) => {
      asked.push(input.topic);
      return { allow: false, reason: 'refused' };
    }, 'topics=%61.b..c');
    expect(asked).toEqual(['%61.b..c']);
    expect(error).toMatchObject({ code: 'refused', httpStatus: 403 });
    expect(ctx.state.log).toMatchObject({ decision: 'deny', reason: 'refused' });
  });

  it('needs snapshot and tenant, sets plugin and topics', () => {
    expect(topicGuardStep({ metrics: createMetrics(testSource(testSnapshot()), { defaultMetrics: false }) })).toMatchObject({
      needs: ['snapshot', 'tenant'],
      sets: ['plugin', 'topics'],
    });
  });
});

describe('streamRoute', () => {
  it('refuses a stream a reload withdrew between the guard and the open, with the new policy\'s reason', async () => {
    const now = testSnapshot({ sse: (input) => (input.topic === 'hello' ? { allow: false, reason: 'refused' } : allowAll()) });
    const deps = {
      settings: { sseMaxStreams: 5 },
      source: testSource(now),
      streams: { count: () => 0, open: () => Promise.resolve(false) },
    } as unknown as AppDeps;
    const ctx = testContext({ url: '/events/stream?topics=hello' });
    ctx.state.snapshot = testSnapshot({ sse: allowAll });
    ctx.state.tenant = 'localhost';
    ctx.state.session = { sid: 's', user: 'alice', roles: [], tenant: 'localhost', iat: 0, exp: 2e9 };
    ctx.state.plugin = recognisedPlugin('hello');
    ctx.state.topics = ['hello'];
    await expect(streamRoute(deps)(ctx, async () => undefined)).rejects.toMatchObject({ code: 'refused', httpStatus: 403 });
    expect(ctx.respond).toBe(true);
    expect(ctx.state.log).toMatchObject({ decision: 'deny', reason: 'refused' });
  });

  it('caps open streams per session and plugin (429 too_many_streams)', async () => {
    const deps = { settings: { sseMaxStreams: 1 }, streams: { count: () => 1 } } as unknown as AppDeps;
    const ctx = testContext({ url: '/events/stream?topics=hello' });
    ctx.state.snapshot = testSnapshot();
    ctx.state.tenant = 'localhost';
    ctx.state.session = { sid: 's', user: 'alice', roles: [], tenant: 'localhost', iat: 0, exp: 2e9 };
    ctx.state.plugin = recognisedPlugin('hello');
    ctx.state.topics = ['hello'];
    await expect(streamRoute(deps)(ctx, async () => undefined)).rejects.toMatchObject({ code: 'too_many_streams', retryAfterSeconds: 5 });
  });
});

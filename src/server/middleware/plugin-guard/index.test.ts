import { describe, expect, it } from 'vitest';
import { testCatalogues } from '../../../engine/testing/catalogues.js';
import type { ApiDecision, ApiInput, DecisionEngine } from '../../../engine/types.js';
import { PolicyRefusalError } from '../../errors.js';
import { createMetrics } from '../../metrics/index.js';
import { testContext, testSnapshot, testSource } from '../../testing/context.js';
import { pluginGuardStep, pluginIdHeader, pluginOf } from './index.js';

function setup(answer: (input: ApiInput) => ApiDecision, engine: Partial<DecisionEngine> = {}) {
  const snapshot = testSnapshot({ api: answer, ...engine });
  const metrics = createMetrics(testSource(snapshot), { defaultMetrics: false });
  const step = pluginGuardStep({ metrics });
  const judge = (headers: Record<string, string>, url = '/api/hello?x=1', method = 'GET') => {
    const ctx = testContext({ method, url, headers });
    ctx.state.snapshot = snapshot;
    ctx.state.tenant = 'localhost';
    let error: unknown;
    try {
      step.run(ctx);
    } catch (thrown) {
      error = thrown;
    }
    return { ctx, error };
  };
  const counted = async () => (await metrics.registry.getSingleMetric('experience_plugin_requests_total')!.get()).values;
  return { judge, counted };
}

describe('pluginGuardStep', () => {
  it('asks the policy about the raw path and method, with the header as sent', () => {
    const asked: ApiInput[] = [];
    const { judge } = setup((input) => {
      asked.push(input);
      return { allow: false, reason: 'anonymous' };
    });
    judge({}, '/api/a%2Fb?q=1', 'DELETE');
    judge({ 'x-plugin-id': 'hello' });
    expect(asked).toEqual([
      { tenant: 'localhost', plugin_id: null, method: 'DELETE', path: '/api/a%2Fb' },
      { tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' },
    ]);
  });

  it('on allow sets ctx.state.plugin from the decision\'s plugin_id, and records the decision', async () => {
    const { judge, counted } = setup(() => ({ allow: true, reason: 'allowed', plugin_id: 'hello', matched: 'GET /api/hello' }));
    const { ctx, error } = judge({ 'x-plugin-id': 'hello' });
    expect(error).toBeUndefined();
    expect(pluginOf(ctx)).toBe('hello');
    expect(ctx.state.log).toEqual({ plugin: 'hello', decision: 'allow', reason: 'allowed' });
    expect(await counted()).toEqual([{ value: 1, labels: { tenant: 'localhost', plugin: 'hello', decision: 'allowed', reason: 'allowed' } }]);
  });

  it('answers a denial as the catalogue says: status, the reason as code, message, X-Allowlist-Violation', () => {
    const { judge } = setup(() => ({ allow: false, reason: 'refused', plugin_id: 'hello' }));
    const { ctx, error } = judge({ 'x-plugin-id': 'hello' });
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'refused', httpStatus: 403, message: 'Refused by the test policy', allowlistViolation: true });
    expect(ctx.state.plugin).toBeUndefined();
    expect(ctx.state.log).toEqual({ plugin: 'hello', decision: 'deny', reason: 'refused' });
  });

  it('answers a reason that only the catalogue knows (a new one in Rego, no TypeScript change)', () => {
    const reasons = testCatalogues({
      api: {
        allowed: { allow: true, plugin_recognised: true },
        plugin_quarantined: { http_status: 423, plugin_recognised: true, message: 'This plugin is quarantined' },
      },
    });
    const { judge } = setup(() => ({ allow: false, reason: 'plugin_quarantined', plugin_id: 'hello' }), { reasons });
    expect(judge({ 'x-plugin-id': 'hello' }).error).toMatchObject({ code: 'plugin_quarantined', httpStatus: 423, allowlistViolation: false });
  });

  it('never logs or labels a plugin id the policy did not recognise', async () => {
    const { judge, counted } = setup(() => ({ allow: false, reason: 'anonymous', plugin_id: 'made-up-123' }));
    const { ctx, error } = judge({ 'x-plugin-id': 'made-up-123' });
    expect(error).toMatchObject({ code: 'anonymous', httpStatus: 403, allowlistViolation: false });
    expect(ctx.state.log.plugin).toBeUndefined();
    expect((await counted())[0]?.labels.plugin).toBe('unknown');
  });

  it('fails closed with 503 when the engine could not decide', () => {
    const { judge } = setup(() => ({ allow: false, reason: 'evaluation_error' }));
    const { ctx, error } = judge({ 'x-plugin-id': 'hello' });
    expect(error).toMatchObject({ name: 'UnavailableError', code: 'decision_unavailable' });
    expect(ctx.state.log).toMatchObject({ decision: 'deny', reason: 'evaluation_error' });
  });

  it('reads X-Plugin-Id as sent: absent or empty is none, repeated lines joined (which names no plugin)', () => {
    const header = (value: string | string[] | undefined) => {
      const ctx = testContext();
      if (value !== undefined) ctx.req.headers['x-plugin-id'] = value as string;
      return pluginIdHeader(ctx);
    };
    expect([header(undefined), header(''), header('hello'), header(['hello', 'hello'])]).toEqual([undefined, undefined, 'hello', 'hello,hello']);
  });

  it('declares what it needs and sets', () => {
    expect(pluginGuardStep({ metrics: createMetrics(testSource(testSnapshot()), { defaultMetrics: false }) })).toMatchObject({ needs: ['snapshot', 'tenant'], sets: ['plugin'] });
  });
});

import { describe, expect, it } from 'vitest';
import { testCatalogues } from '../engine/testing/catalogues.js';
import { pluginLabel, refusalOf } from './decisions.js';
import { PolicyRefusalError } from './errors.js';

const { api } = testCatalogues();

describe('pluginLabel', () => {
  it('is the id only where the catalogue says the plugin was recognised', () => {
    expect(pluginLabel(api.get('refused'), 'hello')).toBe('hello');
    expect(pluginLabel(api.get('anonymous'), 'made-up')).toBe('unknown');
    expect(pluginLabel(undefined, 'hello')).toBe('unknown');
    expect(pluginLabel(api.get('refused'), undefined)).toBe('unknown');
  });
});

describe('refusalOf', () => {
  it('answers a declared refusal with its status, the reason as code, its message and the allow-list flag', () => {
    const error = refusalOf(api.get('refused'), 'unavailable');
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'refused', message: 'Refused by the test policy', httpStatus: 403, allowlistViolation: true });
    expect(refusalOf(api.get('anonymous'), 'unavailable')).toMatchObject({ code: 'anonymous', allowlistViolation: false });
  });

  it('fails closed with 503 decision_unavailable for a reason with no catalogue entry (the engine\'s own)', () => {
    expect(refusalOf(undefined, 'The request could not be authorised')).toMatchObject({ name: 'UnavailableError', code: 'decision_unavailable', message: 'The request could not be authorised' });
    // an allowing reason has no refusal to give either
    expect(refusalOf(api.get('allowed'), 'x')).toMatchObject({ name: 'UnavailableError' });
  });
});

describe('withContributionsMemo beneath the decision log', () => {
  it('asks the engine once per user, yet every request is a logged decision with its own id', async () => {
    const { fakeEngine } = await import('../decision-log/testing/fake-engine.js');
    const { withDecisionLog } = await import('../decision-log/engine.js');
    const { withContributionsMemo } = await import('./decisions.js');
    const inner = fakeEngine();
    const ids: string[] = [];
    const engine = withDecisionLog(withContributionsMemo(inner), { record: (r) => ids.push(r.id) });
    const input = { tenant: 't', user: { id: 'alice', roles: ['member'] } };
    const first = engine.contributions(input);
    expect(engine.contributions({ ...input, user: { ...input.user } })).toBe(first);
    expect(inner.calls).toBe(1);
    expect(new Set(ids).size).toBe(2);
    engine.contributions({ tenant: 't', user: { id: 'alice', roles: ['admin'] } });
    expect(inner.calls).toBe(2);
  });
});

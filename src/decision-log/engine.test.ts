import { describe, expect, it } from 'vitest';
import { ENTRYPOINTS } from '../engine/entrypoints.js';
import { withDecisionLog } from './engine.js';
import { toEvent } from './event.js';
import { fakeEngine } from './testing/fake-engine.js';
import { opaEventErrors } from './testing/opa-event-schema.js';
import type { DecisionRecord } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function logged() {
  const records: DecisionRecord[] = [];
  const inner = fakeEngine();
  const engine = withDecisionLog(inner, { record: (r) => records.push(r) });
  return { inner, engine, records };
}

describe('withDecisionLog', () => {
  const asks = [
    ['api', { tenant: 't', plugin_id: 'hello', method: 'GET', path: '/x' }],
    ['sse', { tenant: 't', plugin_id: 'hello', topic: 'a.b' }],
    ['contributions', { tenant: 't', user: { id: 'alice', roles: ['member'] } }],
    ['authz', { tenant: 't', subject: { id: 'alice', roles: [] }, resource: 'r', action: 'a' }],
  ] as const;

  it.each(asks)('records a %s decision with its entrypoint, input, result and revision, and tells the caller its id', (name, input) => {
    const { inner, engine, records } = logged();
    const ids: string[] = [];
    const decision = (engine[name] as (input: unknown, caller: unknown) => unknown)(input, { decided: (id: string) => ids.push(id) });
    expect(inner.calls).toBe(1);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({ path: ENTRYPOINTS[name], input, revision: inner.revision });
    // The caller gets the decision itself, not a copy: memos and caches above still work.
    expect(record!.result).toBe(decision);
    expect(record!.input).toBe(input);
    expect(record!.id).toMatch(UUID);
    expect(ids).toEqual([record!.id]);
    expect(record!.evalNs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(record!.evalNs)).toBe(true);
    expect(opaEventErrors(toEvent(record!, { id: 'i', version: '1.4.0' }))).toEqual([]);
  });

  it('gives every decision its own id, with or without a caller', () => {
    const { engine, records } = logged();
    for (let i = 0; i < 50; i++) engine.api({ tenant: 't', method: 'GET', path: '/x' });
    expect(new Set(records.map((r) => r.id)).size).toBe(50);
  });

  it('passes the revision and reasons of the engine through', () => {
    const { inner, engine } = logged();
    expect(engine.revision).toBe(inner.revision);
    expect(engine.reasons).toBe(inner.reasons);
  });
});

describe('toEvent', () => {
  it('is an OPA event: RFC 3339 timestamp, bundles by content hash, labels, the evaluation time', () => {
    const event = toEvent(
      { id: '4ca636c1-55e4-417a-b1d8-4aceb67960d1', path: 'experience/api/decision', input: { a: 1 }, result: { allow: false }, revision: { policy: 'p'.repeat(12), data: 'd'.repeat(12), loadedAt: '' }, evalNs: 1234, at: Date.UTC(2026, 0, 2, 3, 4, 5, 6) },
      { id: 'host-1', version: '1.4.0' },
    );
    expect(event).toEqual({
      decision_id: '4ca636c1-55e4-417a-b1d8-4aceb67960d1',
      timestamp: '2026-01-02T03:04:05.006Z',
      path: 'experience/api/decision',
      input: { a: 1 },
      result: { allow: false },
      bundles: { policy: { revision: 'pppppppppppp' }, data: { revision: 'dddddddddddd' } },
      labels: { id: 'host-1', version: '1.4.0' },
      metrics: { timer_rego_query_eval_ns: 1234 },
    });
    expect(opaEventErrors(event)).toEqual([]);
  });

  it('the schema refuses what OPA does not document (so it can fail)', () => {
    const good = toEvent({ id: '4ca636c1-55e4-417a-b1d8-4aceb67960d1', path: 'p', input: {}, result: {}, revision: null, evalNs: 1, at: 0 }, { id: 'i', version: 'v' });
    expect(opaEventErrors(good)).toEqual([]);
    expect(opaEventErrors({ ...good, decision_id: 'not-a-uuid' })).not.toEqual([]);
    expect(opaEventErrors({ ...good, timestamp: '2026-01-01 00:00' })).not.toEqual([]);
    expect(opaEventErrors({ ...good, labels: { id: 'i' } })).not.toEqual([]);
    expect(opaEventErrors({ ...good, extra: 1 })).not.toEqual([]);
    expect(opaEventErrors({ ...good, erased: ['/labels/id'] })).not.toEqual([]);
    expect(opaEventErrors({ ...good, bundles: { policy: {} } })).not.toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { testContext, testSnapshot, testSource } from '../../testing/context.js';
import { snapshotOf, snapshotStep } from './index.js';

describe('snapshotStep', () => {
  it('sets ctx.state.snapshot from the source, synchronously', () => {
    const snapshot = testSnapshot();
    const ctx = testContext();
    expect(snapshotStep(testSource(snapshot)).run(ctx)).toBeUndefined();
    expect(snapshotOf(ctx)).toBe(snapshot);
  });

  it('keeps the snapshot a request already has: one state per request, even across a reload', () => {
    const first = testSnapshot();
    const ctx = testContext();
    snapshotStep(testSource(first)).run(ctx);
    snapshotStep(testSource(testSnapshot())).run(ctx);
    expect(ctx.state.snapshot).toBe(first);
  });

  it('fails closed with 503 decision_unavailable when nothing is loaded', () => {
    const ctx = testContext();
    expect(() => snapshotStep(testSource(new Error('no policy'))).run(ctx)).toThrow(expect.objectContaining({ code: 'decision_unavailable', name: 'UnavailableError' }));
    expect(ctx.state.snapshot).toBeUndefined();
  });

  it('declares what it sets', () => {
    expect(snapshotStep(testSource(testSnapshot())).sets).toEqual(['snapshot']);
  });

  it('snapshotOf is a programming error before the step ran', () => {
    expect(() => snapshotOf(testContext())).toThrow('the snapshot step did not run');
  });
});

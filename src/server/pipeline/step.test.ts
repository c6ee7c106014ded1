import { describe, expect, it } from 'vitest';
import { testContext } from '../testing/context.js';
import type { BffContext } from '../state.js';
import { checkOrder, guarded, type GuardStep } from './step.js';

function recorder() {
  const calls: string[] = [];
  const sync = (name: string, extra: Partial<GuardStep> = {}): GuardStep => ({ name, run: () => void calls.push(name), ...extra });
  const async = (name: string): GuardStep => ({
    name,
    run: async () => {
      await new Promise((r) => setImmediate(r));
      calls.push(name);
    },
  });
  const handler = (ctx: BffContext) => {
    calls.push('handler');
    ctx.body = 'done';
  };
  return { calls, sync, async, handler };
}

const next = () => Promise.resolve();

describe('guarded', () => {
  it('runs synchronous steps and the handler without a promise of its own', () => {
    const { calls, sync, handler } = recorder();
    const route = guarded([sync('a'), sync('b'), sync('c')], handler);
    const out = route(testContext(), next);
    // Nothing to wait for: the handler ran in the same call, and its (undefined) result is returned.
    expect(out).toBeUndefined();
    expect(calls).toEqual(['a', 'b', 'c', 'handler']);
  });

  it('goes asynchronous from the first step that returns a promise, keeping the order', async () => {
    const { calls, sync, async, handler } = recorder();
    const route = guarded([sync('a'), async('b'), sync('c'), async('d'), sync('e')], handler);
    const out = route(testContext(), next);
    expect(out).toBeInstanceOf(Promise);
    expect(calls).toEqual(['a']);
    await out;
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'e', 'handler']);
  });

  it('stops at a step that throws, synchronously or not: no later step, no handler', async () => {
    const { calls, sync, handler } = recorder();
    const refuse: GuardStep = { name: 'refuse', run: () => { throw new Error('refused'); } };
    expect(() => guarded([sync('a'), refuse, sync('b')], handler)(testContext(), next)).toThrow('refused');
    const reject: GuardStep = { name: 'reject', run: () => Promise.reject(new Error('rejected')) };
    await expect(guarded([sync('c'), reject, sync('d')], handler)(testContext(), next)).rejects.toThrow('rejected');
    expect(calls).toEqual(['a', 'c']);
  });

  it('passes next to the handler', async () => {
    let called = false;
    await guarded([], (_ctx, n) => n())(testContext(), async () => void (called = true));
    expect(called).toBe(true);
  });
});

describe('checkOrder (at composition, never per request)', () => {
  const sets = (name: string, ...fields: GuardStep['sets'] & string[]): GuardStep => ({ name, sets: fields, run: () => undefined });
  const needs = (name: string, ...fields: GuardStep['needs'] & string[]): GuardStep => ({ name, needs: fields, run: () => undefined });

  it('accepts steps whose needs earlier steps set', () => {
    expect(() => checkOrder([sets('snapshot', 'snapshot'), needs('tenant', 'snapshot')])).not.toThrow();
    expect(() => checkOrder([needs('plugin-user', 'plugin')], ['plugin'])).not.toThrow();
  });

  it('refuses a step that runs before what it needs, naming both', () => {
    expect(() => guarded([needs('rate-limit', 'plugin'), sets('plugin-guard', 'plugin')], () => undefined)).toThrow(
      'guard step "rate-limit" needs ctx.state.plugin, which no earlier step sets (steps: rate-limit, plugin-guard)',
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEvent, MaskSyntaxError, parseMask, parseMasks } from './mask.js';
import type { DecisionLogEvent } from './types.js';

function event(input: unknown, result: unknown = { allow: true }): DecisionLogEvent {
  return { decision_id: '4ca636c1-55e4-417a-b1d8-4aceb67960d1', timestamp: '2026-01-01T00:00:00.000Z', path: 'experience/authz/decision', input, result, labels: { id: 'i', version: '1.4.0' }, metrics: { timer_rego_query_eval_ns: 1 } };
}

describe('parseMask', () => {
  it.each([
    ['/input/user/id', { part: 'input', tokens: ['user', 'id'], op: 'remove' }],
    ['/input', { part: 'input', tokens: [], op: 'remove' }],
    ['/result/reason', { part: 'result', tokens: ['reason'], op: 'remove' }],
    ['/input/subject/id=**REDACTED**', { part: 'input', tokens: ['subject', 'id'], op: 'upsert', value: '**REDACTED**' }],
    ['/input/path=', { op: 'upsert', value: '' }],
    ['/result/a~1b/c~0d', { tokens: ['a/b', 'c~d'] }],
    ['/input/user/roles/0', { tokens: ['user', 'roles', '0'] }],
  ])('%s', (text, expected) => {
    expect(parseMask(text)).toMatchObject(expected);
  });

  it.each([
    ['input/user', 'is not a JSON pointer'],
    ['', 'is not a JSON pointer'],
    ['/labels/id', 'only /input/... and /result/...'],
    ['/decision_id', 'only /input/... and /result/...'],
    ['/input/usr/id', 'no decision input has the field "usr"'],
    ['/input/password', 'no decision input has the field "password"'],
    ['/input/a~2', '"~" must be followed by 0 or 1'],
    ['/result/x~', '"~" must be followed by 0 or 1'],
  ])('refuses %j', (text, message) => {
    expect(() => parseMask(text)).toThrow(MaskSyntaxError);
    expect(() => parseMask(text)).toThrow(message);
  });

  it('reads a comma-separated list, blanks ignored', () => {
    expect(parseMasks(' /input/user/id , ,/result/reason=x').map((r) => r.pointer)).toEqual(['/input/user/id', '/result/reason']);
    expect(parseMasks('')).toEqual([]);
  });
});

describe('maskEvent', () => {
  it('erases and upserts as OPA documents, recording erased and masked pointers', () => {
    const original = event({ tenant: 't', user: { id: 'alice', roles: ['member'] } });
    const out = maskEvent(original, parseMasks('/input/user/id,/input/tenant=**REDACTED**,/input/user/nothing'));
    expect(out.input).toEqual({ tenant: '**REDACTED**', user: { roles: ['member'] } });
    expect(out.erased).toEqual(['/input/user/id']);
    expect(out.masked).toEqual(['/input/tenant']);
  });

  it('replaces only a value that exists (OPA\'s conditional upsert): one mask serves every decision', () => {
    const api = event({ tenant: 't' });
    expect(maskEvent(api, parseMasks('/input/subject/id=x'))).toBe(api);
    const out = maskEvent(event({ tenant: 't', subject: { id: 'alice', roles: [] } }), parseMasks('/input/subject/id=x'));
    expect(out.input).toEqual({ tenant: 't', subject: { id: 'x', roles: [] } });
    expect(out.masked).toEqual(['/input/subject/id']);
  });

  it('does nothing (and records nothing) for a path the event lacks or a non-object in the way', () => {
    const original = event({ tenant: 't', path: '/x' });
    for (const rule of ['/input/user/id', '/input/path/deeper', '/input/path/deeper=x', '/result/allow/x']) {
      expect(maskEvent(original, parseMasks(rule))).toBe(original);
    }
  });

  it('removes and replaces array elements by index, other indices untouched', () => {
    const out = maskEvent(event({ user: { roles: ['a', 'b', 'c'] } }), parseMasks('/input/user/roles/1'));
    expect(out.input).toEqual({ user: { roles: ['a', 'c'] } });
    const up = maskEvent(event({ user: { roles: ['a', 'b'] } }), parseMasks('/input/user/roles/0=x,/input/user/roles/5=y,/input/user/roles/01=z'));
    expect(up.input).toEqual({ user: { roles: ['x', 'b'] } });
    expect(up.masked).toEqual(['/input/user/roles/0']);
  });

  it('erases a whole part', () => {
    const out = maskEvent(event({ tenant: 't' }), parseMasks('/input'));
    expect('input' in out).toBe(false);
    expect(out.erased).toEqual(['/input']);
  });

  it('keeps a "__proto__" key a plain key', () => {
    const input = JSON.parse('{"user": {"__proto__": {"polluted": true}, "id": "a"}}') as unknown;
    const out = maskEvent(event(input), parseMasks('/input/user/id'));
    expect(Object.keys((out.input as { user: object }).user)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 3 }),
    object: fc.dictionary(fc.constantFrom('user', 'id', 'roles', 'tenant', '0', 'a/b'), tie('value'), { maxKeys: 4 }),
  })).value;
  const tokens = fc.array(fc.constantFrom('user', 'id', 'roles', '0', '1', 'a/b'), { minLength: 1, maxLength: 3 });
  const escape = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');

  it('never changes the event, input or result it was given, whatever the masks', () => {
    fc.assert(
      fc.property(json, json, fc.array(fc.tuple(fc.constantFrom('input', 'result'), tokens, fc.option(fc.string())), { maxLength: 4 }), (input, result, specs) => {
        const rules = specs.map(([part, path, value]) => parseMask(`/${part}/${['user', ...path].map(escape).join('/')}${value === null ? '' : `=${value.replace(/,/g, '')}`}`));
        const original = event({ user: input }, result);
        const before = structuredClone(original);
        maskEvent(original, rules);
        expect(original).toEqual(before);
      }),
    );
  });

  it('leaves no value at an erased pointer', () => {
    fc.assert(
      fc.property(json, tokens, (value, path) => {
        const rule = parseMask(`/input/user/${path.map(escape).join('/')}`);
        const out = maskEvent(event({ user: value }), [rule]);
        let node: unknown = out.input;
        let present = true;
        for (const token of ['user', ...path]) {
          if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) {
            present = false;
            break;
          }
          node = (node as Record<string, unknown>)[token];
        }
        // An erased object key is gone; an erased array element shifts the next one in (OPA's splice).
        if (out.erased && !/^\d+$/.test(path.at(-1)!)) expect(present).toBe(false);
        if (!out.erased) expect(out.input).toEqual({ user: value });
      }),
    );
  });
});

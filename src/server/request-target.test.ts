import { describe, expect, it } from 'vitest';
import { pathRules } from '../../test/support/path-rules.js';
import { createRequestTarget, rawPath, targetProblem } from './request-target.js';
import { testContext } from './testing/context.js';

// The HTTP layer's column of docs/contracts.md, "Path rules" (test/integration/path-rules.test.ts
// walks the same table through the policy and the BFF).
const examples = pathRules().flatMap((rule) => rule.examples.map((e) => ({ layer: rule.layer, rule: rule.rule, target: e.target, shown: e.shown.slice(0, 60) })));

describe('targetProblem', () => {
  it.each(examples)('$rule: $shown', ({ layer, target }) => {
    expect(targetProblem(target) !== undefined).toBe(layer === 'http');
  });

  it('allows a target of exactly 8 KiB, not one byte more', () => {
    const at = (n: number) => `/api/${'a'.repeat(n - '/api/'.length)}`;
    expect(targetProblem(at(8192))).toBeUndefined();
    expect(targetProblem(at(8193))).toBe('Request target too long');
  });
});

describe('createRequestTarget', () => {
  const run = (url: string) => {
    let passed = false;
    createRequestTarget()(testContext({ url }), async () => void (passed = true));
    return passed;
  };

  it('passes what HTTP can hand over, synchronously', () => {
    expect(run('/api/catalog/../x?y=%2e')).toBe(true);
  });

  it('refuses the rest with 400 malformed_request', () => {
    expect(() => run('http://evil.example/api/x')).toThrow(expect.objectContaining({ code: 'malformed_request', name: 'InputError' }));
  });
});

describe('rawPath', () => {
  it.each([
    ['/api/a%2Fb?x=1', '/api/a%2Fb'],
    ['/api/a', '/api/a'],
    ['/api/a??b', '/api/a'],
  ])('%s -> %s (nothing decoded)', (url, path) => {
    expect(rawPath(testContext({ url }))).toBe(path);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidName } from './names.js';

describe('isValidName', () => {
  it.each(['alice', 'a.b-c_d@example.com', 'role:admin', 'x'.repeat(128), '0'])('accepts %s', (name) => {
    expect(isValidName(name)).toBe(true);
  });

  it.each(['', 'x'.repeat(129), '../root', 'a b', 'alice\n', 'ä', 'a/b', 'a\u0000', 42, null, undefined, ['alice']])('refuses %j', (name) => {
    expect(isValidName(name)).toBe(false);
  });

  it('never accepts a name with a byte outside its alphabet', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
        if (/[^A-Za-z0-9._@:-]/.test(name)) expect(isValidName(name)).toBe(false);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSealer } from './seal.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('createSealer', () => {
  it('opens what it sealed, for the same record only; never shows the plain text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (plain, bound, other) => {
        const sealer = createSealer([A]);
        const sealed = sealer.seal(plain, bound);
        expect(sealer.open(sealed, bound)).toBe(plain);
        if (other !== bound) expect(sealer.open(sealed, other)).toBeUndefined();
        if (plain.length >= 8) expect(sealed).not.toContain(plain);
      }),
    );
  });

  it('rotation: the first key seals, every key opens; a removed key no longer opens', () => {
    const old = createSealer([A]).seal('tokens', 'k');
    expect(createSealer([B, A]).open(old, 'k')).toBe('tokens');
    expect(createSealer([B]).open(old, 'k')).toBeUndefined();
    expect(createSealer([B, A]).seal('x', 'k').split('.')[1]).not.toBe(old.split('.')[1]);
  });

  it.each([
    ['empty', () => ''],
    ['another version', (s: string) => s.replace(/^v1/, 'v2')],
    ['an unknown key id', (s: string) => s.replace(/^v1\.[^.]+/, 'v1.AAAAAAAA')],
    ['a flipped byte', (s: string) => { const [v, k, iv, body] = s.split('.'); const b = Buffer.from(body!, 'base64url'); b[0] = b[0]! ^ 1; return [v, k, iv, b.toString('base64url')].join('.'); }],
    ['a cut tag', (s: string) => s.slice(0, -4)],
    ['no body', (s: string) => s.split('.').slice(0, 3).join('.')],
    ['a short body', (s: string) => `${s.split('.').slice(0, 3).join('.')}.AAAA`],
  ])('refuses %s', (_what, mangle) => {
    const sealer = createSealer([A]);
    expect(sealer.open(mangle(sealer.seal('{"accessToken":"at"}', 'k')), 'k')).toBeUndefined();
  });
});

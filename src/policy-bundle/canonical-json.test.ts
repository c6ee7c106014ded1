import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { devKey, keysYaml, opaSignDir, type DevKey } from '../../test/support/opa-bundle.js';
import { canonicalJson, goJsonString, parseJsonTree } from './canonical-json.js';
import { parseBundleKeys } from './keys.js';
import { verifyBundleFiles } from './signature.js';

const canonical = (text: string) => canonicalJson(parseJsonTree(text));

describe('canonicalJson', () => {
  it.each([
    ['keys sorted, whitespace dropped', '{ "b": 1, "a": [ true, null ] }', '{"a":[true,null],"b":1}'],
    ['numbers exactly as written', '[1.0, 1e2, -0, 1E+2, 0.10]', '[1.0,1e2,-0,1E+2,0.10]'],
    ['a repeated key keeps its last value', '{"a":1,"a":2}', '{"a":2}'],
    ['keys in UTF-8 byte order, not UTF-16', '{"\\ud800\\udc00":1,"\\uffff":2}', '{"\uffff":2,"\u{10000}":1}'],
    ['escapes as Go writes them', '["\\u2028\\u2029", "\\u0001\\b\\f\\n\\r\\t\\"\\\\", "<&>", "\\/"]', '["\\u2028\\u2029","\\u0001\\b\\f\\n\\r\\t\\"\\\\","<&>","/"]'],
    ['a lone surrogate becomes U+FFFD', '["\\ud800"]', '["\ufffd"]'],
    ['a BOM is dropped', '\ufeff{}', '{}'],
  ])('%s', (_what, text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each(['', '{', '{"a":1,}', '[01]', '"\u0001"', '{} {}', 'nul', '{"a" 1}', '[1 2]'])('refuses %j', (text) => {
    expect(() => parseJsonTree(text)).toThrow(SyntaxError);
  });

  it('writes strings as JSON that reads back to the same string (made well-formed, as UTF-8 makes it)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(JSON.parse(goJsonString(s))).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      }),
    );
  });
});

describe('hashes structured files as OPA does', () => {
  let key: DevKey;
  beforeAll(async () => {
    key = await devKey('RS256');
  });

  // Strings made of what Go and JavaScript write or order differently (escapes, U+2028, astral vs. BMP keys).
  const unit = fc.constantFrom('\u2028', '\u2029', '\u0001', '\u007f', '\b', '"', '\\', '<', '&', 'a', 'é', '\uffff', '\u{10000}', '\u{1f600}');
  const tricky = fc.dictionary(fc.string({ unit, maxLength: 4 }), fc.oneof(fc.string({ unit }), fc.array(fc.string({ unit }), { maxLength: 3 })), { maxKeys: 6 });

  // Each run: a data.json that opa signs as it is written (indented, keys in any order), checked here.
  it('verifies what `opa sign` signed, for any JSON written any way', async () => {
    const keys = await parseBundleKeys(keysYaml({ default: { key } }), '.');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), tricky), fc.constantFrom(0, 1, 2, '\t'), async (value, indent) => {
        const dir = await mkdtemp(join(tmpdir(), 'xp-canon-'));
        await writeFile(join(dir, 'data.json'), JSON.stringify({ v: value }, null, indent));
        await opaSignDir(dir, { key, keyid: 'default' });
        const files = new Map<string, Uint8Array>();
        for (const name of await readdir(dir)) files.set(name, await readFile(join(dir, name)));
        await verifyBundleFiles(files, keys);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

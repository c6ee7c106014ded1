import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issue.js';
import type { ParseResult } from './issue.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { Mode, PluginsConfig } from './types.js';

// Production serves only bytes plugins.yaml vouches for: every bundle carries a pin or the
// explicit opt-out `integrity: none`. Development and test do not require either.

const PIN = `sha256:${'ab'.repeat(32)}`;
const MODES: readonly Mode[] = ['production', 'development', 'test'];
type Integrity = { kind: 'absent' } | { kind: 'pin' } | { kind: 'none' };

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const brief = (r: ParseResult<unknown>): [string, string, string][] => (r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path]));
const parse = (text: string, mode: Mode): ParseResult<PluginsConfig> => parsePluginsConfig(text, { file: 'plugins.yaml', mode });

/** A block-style plugin entry (7 lines with an integrity line, 6 without). */
function entry(id: string, integrity: Integrity | { kind: 'raw'; text: string }): string[] {
  const value = integrity.kind === 'pin' ? `"${PIN}"` : integrity.kind === 'none' ? 'none' : integrity.kind === 'raw' ? integrity.text : undefined;
  return [
    `    - id: ${id}`,
    '      version: "1.0.0"',
    '      engine: { experience: "*" }',
    '      bundle:',
    `        file: /app/plugins/${id}/1.0.0/index.esm.js`,
    ...(value === undefined ? [] : [`        integrity: ${value}`]),
  ];
}

describe('bundle.integrity in production', () => {
  it('is required: a missing one is an issue at the bundle key, naming the plugin and both ways out', () => {
    const result = parse(lines('tenants:', '  localhost:', ...entry('hello', { kind: 'absent' })), 'production');
    expect(brief(result)).toEqual([['missing_integrity', '6:7', 'tenants.localhost[0].bundle']]);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      'plugins.yaml:6:7  tenants.localhost[0].bundle  plugin "hello" has no bundle.integrity, which production requires: pin the bundle (experience-plugins hash --write --add), or write integrity: none to serve it unverified',
    ]);
  });

  it('reports every unpinned bundle of every tenant at once, and only those', () => {
    const text = lines(
      'tenants:',
      '  localhost:',
      ...entry('hello', { kind: 'pin' }), // lines 3-8
      ...entry('orders', { kind: 'absent' }), // lines 9-13
      ...entry('legacy', { kind: 'none' }), // lines 14-19
      '  acme.localhost:',
      ...entry('hello', { kind: 'absent' }), // lines 21-25
    );
    expect(brief(parse(text, 'production'))).toEqual([
      ['missing_integrity', '12:7', 'tenants.localhost[1].bundle'],
      ['missing_integrity', '24:7', 'tenants.acme.localhost[0].bundle'],
    ]);
  });

  it('accepts a flow-style bundle with either form', () => {
    const flow = (integrity: string) => lines('tenants:', '  localhost:', `    - { id: a, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/a/a.js, integrity: ${integrity} } }`);
    expect(parse(flow(`"${PIN}"`), 'production').ok).toBe(true);
    expect(parse(flow('none'), 'production').ok).toBe(true);
  });

  // A null has no position of its own: the issue points at its key.
  it.each([
    ['None', 'invalid_integrity', '8:20'],
    ['NONE', 'invalid_integrity', '8:20'],
    ['"none "', 'invalid_integrity', '8:20'],
    ['"off"', 'invalid_integrity', '8:20'],
    ['"false"', 'invalid_integrity', '8:20'],
    ['"sha256:"', 'invalid_integrity', '8:20'],
    ['""', 'invalid_integrity', '8:20'],
    ['false', 'schema', '8:20'],
    ['null', 'schema', '8:9'],
  ])('takes only the exact word "none" as the opt-out: %s is refused (%s), and nothing else is reported', (text, code, at) => {
    const result = parse(lines('tenants:', '  localhost:', ...entry('hello', { kind: 'raw', text })), 'production');
    expect(brief(result)).toEqual([[code, at, 'tenants.localhost[0].bundle.integrity']]);
  });

  it('is not required by tools that only read permissions (requireIntegrity: false), in any mode', () => {
    const text = lines('tenants:', '  localhost:', ...entry('hello', { kind: 'absent' }));
    for (const mode of MODES) expect(parsePluginsConfig(text, { file: 'plugins.yaml', mode, requireIntegrity: false }).ok, mode).toBe(true);
    // And a caller may require it outside production.
    expect(brief(parsePluginsConfig(text, { file: 'plugins.yaml', mode: 'test', requireIntegrity: true }))).toEqual([['missing_integrity', '6:7', 'tenants.localhost[0].bundle']]);
  });

  it('leaves a bundle.url to its own refusal (production never serves one)', () => {
    const text = lines('tenants:', '  localhost:', '    - id: a', '      version: "1.0.0"', '      engine: { experience: "*" }', '      bundle: { url: "http://127.0.0.1:5173/a.js" }');
    expect(brief(parse(text, 'production'))).toEqual([['bundle_url_not_allowed', '6:22', 'tenants.localhost[0].bundle.url']]);
  });
});

describe('bundle.integrity in the model', () => {
  it('keeps "none" apart from a pin: unverified, and no integrity anything could compare bytes with', () => {
    const result = parse(lines('tenants:', '  localhost:', ...entry('hello', { kind: 'none' })), 'production');
    expect(result.ok && result.value.tenants['localhost']?.[0]?.bundle).toEqual({ file: '/app/plugins/hello/1.0.0/index.esm.js', unverified: true });
  });

  it('holds for every mode and form: ok unless production lacks both; a pin is kept, none is unverified', () => {
    const integrity = fc.constantFrom<Integrity>({ kind: 'absent' }, { kind: 'pin' }, { kind: 'none' });
    fc.assert(
      fc.property(fc.constantFrom(...MODES), fc.array(integrity, { minLength: 1, maxLength: 5 }), (mode, forms) => {
        const ids = forms.map((_, i) => `p${i}`);
        const text = lines('tenants:', '  localhost:', ...forms.flatMap((form, i) => entry(ids[i] as string, form)));
        const result = parse(text, mode);
        const missing = mode === 'production' ? forms.flatMap((f, i) => (f.kind === 'absent' ? [`tenants.localhost[${i}].bundle`] : [])) : [];
        if (missing.length > 0) {
          expect(result.ok ? [] : result.issues.map((i) => `${i.code} ${i.path}`)).toEqual(missing.map((p) => `missing_integrity ${p}`));
          return;
        }
        expect(result.ok).toBe(true);
        const bundles = result.ok ? (result.value.tenants['localhost'] ?? []).map((p) => p.bundle) : [];
        expect(bundles).toEqual(
          forms.map((f, i) => ({
            file: `/app/plugins/${ids[i]}/1.0.0/index.esm.js`,
            ...(f.kind === 'pin' ? { integrity: PIN } : f.kind === 'none' ? { unverified: true } : {}),
          })),
        );
      }),
    );
  });
});

import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePluginsConfig, type PluginsConfig } from '../config/index.js';
import { configuredIds, devPluginsYaml } from './dev-config.js';

const DEFAULT = await readFile(new URL('../../config/plugins.yaml', import.meta.url), 'utf8');
const parse = (text: string): PluginsConfig => {
  const result = parsePluginsConfig(text, { file: 'plugins.yaml', mode: 'development' });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
};
const IDS = [...configuredIds(parse(DEFAULT).tenants)].sort();
const url = (id: string) => `http://127.0.0.1:4${id.length}123/index.esm.js`;

describe('devPluginsYaml', () => {
  it('points exactly the served plugins at their dev servers, in every tenant, and keeps every other field', () => {
    fc.assert(
      fc.property(fc.subarray(IDS), (served) => {
        const bundles = new Map(served.map((id) => [id, url(id)]));
        const source = parse(DEFAULT);
        const derived = parse(devPluginsYaml(DEFAULT, bundles, 'config/plugins.yaml'));
        expect(Object.keys(derived.tenants)).toEqual(Object.keys(source.tenants));
        for (const [host, plugins] of Object.entries(source.tenants)) {
          expect(derived.tenants[host]).toEqual(plugins.map((p) => (bundles.has(p.id) ? { ...p, bundle: { url: bundles.get(p.id) } } : p)));
        }
        expect(derived.upstreams).toEqual(source.upstreams);
      }),
      { numRuns: 40 },
    );
  });

  it('replaces a flow-style bundle whole (no file or pin left over) and keeps comments', () => {
    const text = [
      'tenants:',
      '  localhost:',
      '    # the one under development',
      `    - { id: a, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/a/a.js, integrity: "sha256:${'0'.repeat(64)}" } }`,
      '    - { id: b, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/b/b.js, integrity: none } }',
      '',
    ].join('\n');
    const out = devPluginsYaml(text, new Map([['a', 'http://127.0.0.1:5173/index.esm.js']]), 'config/plugins.yaml');
    expect(out.startsWith('# Written by make dev from config/plugins.yaml on every change; edit that file, not this one.\n')).toBe(true);
    expect(out).toContain('# the one under development');
    const [a, b] = parse(out).tenants['localhost'] ?? [];
    expect(a?.bundle).toEqual({ url: 'http://127.0.0.1:5173/index.esm.js' });
    expect(b?.bundle).toEqual({ file: '/app/plugins/b/b.js', unverified: true });
  });

  it('leaves the text as it was (header aside) when no plugin is served', () => {
    const out = devPluginsYaml(DEFAULT, new Map(), 'config/plugins.yaml');
    expect(parse(out)).toEqual(parse(DEFAULT));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configDigest } from './digest.js';
import { parseGrants } from './parse-grants.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { GrantsConfig, PluginsConfig } from './types.js';

// Every kind of field plugins.yaml and grants.yaml can hold, including the ones the compiled
// data.registry leaves out (bundle file/url/integrity, rateLimit, upstreams, the engine range).
const PLUGINS = `tenants:
  localhost:
    - id: hello
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle:
        file: /app/plugins/hello/1.0.0/index.esm.js
        integrity: "sha256:${'a'.repeat(64)}"
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: [orders]
      rateLimit: { requestsPerSecond: 5, burst: 10 }
      contributions:
        routes:
          - { path: /hello, component: Hello, resource: plugin.route, action: view }
        widgets:
          - { slot: dashboard.main, component: HelloWidget, resource: plugin.widget, action: view }
    - id: devplug
      version: "0.0.1"
      engine: { experience: ">=1.0.0" }
      bundle: { url: "http://localhost:5173/src/index.js" }
      permissions: { api: [], sse: [] }
      contributions: { routes: [], widgets: [] }
  acme.localhost:
    - id: hello
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }
      permissions: { api: [], sse: [] }
      contributions: { routes: [], widgets: [] }
upstreams:
  - { prefix: /api/catalog, url: "http://127.0.0.1:8081" }
`;

const GRANTS = `tenants:
  localhost:
    roles:
      member:
        - { resource: plugin.route, action: view }
    users:
      carol:
        - { resource: reports, action: "*" }
`;

function plugins(text = PLUGINS): PluginsConfig {
  const parsed = parsePluginsConfig(text, { file: 'plugins.yaml', mode: 'development' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

function grants(text = GRANTS): GrantsConfig {
  const parsed = parseGrants(text, { file: 'grants.yaml' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

type Path = (string | number)[];
type Node = Record<string | number, unknown>;

/** Every path in the model: leaves (strings, numbers) and containers (objects, arrays). */
function paths(value: unknown, at: Path = []): { path: Path; value: unknown }[] {
  const here = { path: at, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [here];
}

function edited(model: { plugins: PluginsConfig; grants: GrantsConfig }, path: Path, change: (parent: Node, key: string | number) => void) {
  const copy = structuredClone(model) as unknown as Node;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Node;
  change(parent, path[path.length - 1] as string | number);
  return copy as unknown as { plugins: PluginsConfig; grants: GrantsConfig };
}

const digestOf = (m: { plugins: PluginsConfig; grants: GrantsConfig }) => configDigest(m.plugins, m.grants);

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = [...entries.slice(seed % Math.max(1, entries.length)), ...entries.slice(0, seed % Math.max(1, entries.length))].reverse();
  return Object.fromEntries(rotated.map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe('configDigest', () => {
  const model = { plugins: plugins(), grants: grants() };
  const base = digestOf(model);

  it('is a full sha256 in hex', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  // Table over every field the files can hold: whatever a reload could change, the digest sees.
  const all = paths(model).filter((p) => p.path.length > 0);

  it('changes when any value anywhere in either file changes', () => {
    const leaves = all.filter((p) => typeof p.value === 'string' || typeof p.value === 'number');
    for (const field of ['integrity', 'file', 'url', 'requestsPerSecond', 'burst', 'prefix', 'experience', 'slot', 'roles', 'users']) {
      expect(leaves.some((l) => l.path.includes(field)), field).toBe(true);
    }
    for (const { path, value } of leaves) {
      const next = edited(model, path, (parent, key) => {
        parent[key] = typeof value === 'number' ? value + 1 : `${String(value)}x`;
      });
      expect(digestOf(next), path.join('.')).not.toBe(base);
    }
  });

  it('changes when any field, list entry or tenant is removed, or a list grows', () => {
    for (const { path, value } of all) {
      const removed = edited(model, path, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
      });
      expect(digestOf(removed), `remove ${path.join('.')}`).not.toBe(base);
      if (Array.isArray(value)) {
        const grown = edited(model, path, (parent, key) => {
          (parent[key] as unknown[]).push(structuredClone(value[0] ?? 'added'));
        });
        expect(digestOf(grown), `append to ${path.join('.')}`).not.toBe(base);
      }
    }
  });

  it('does not depend on key order (property)', () => {
    fc.assert(
      fc.property(fc.nat(50), (seed) => {
        expect(digestOf(shuffleKeys(model, seed) as typeof model)).toBe(base);
      }),
    );
  });

  it('is the same for the same meaning written differently: comments, layout, quoting, key order', () => {
    const rewritten = [
      `# a comment at the top\n${PLUGINS}`,
      PLUGINS.replace(/\n/g, '   \n'),
      PLUGINS.replace('rateLimit: { requestsPerSecond: 5, burst: 10 }', 'rateLimit:\n        burst: 10 # in a burst\n        requestsPerSecond: 5'),
      PLUGINS.replace('version: "1.0.0"', "version: '1.0.0'"),
      PLUGINS.replace(/\{ method: (\w+), path: ([^}]+) \}/, '{ path: $2, method: $1 }'),
    ];
    for (const text of rewritten) {
      expect(text).not.toBe(PLUGINS);
      expect(configDigest(plugins(text), model.grants)).toBe(base);
    }
    expect(configDigest(model.plugins, grants(`${GRANTS}\n# trailing comment\n`))).toBe(base);
  });
});

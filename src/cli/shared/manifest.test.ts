import { describe, expect, it } from 'vitest';
import { legacyTemplate, normalizeManifest, toIntegrity } from './manifest.js';

describe('normalizeManifest', () => {
  it('fills PDP hints and the bundle path, noting each default', () => {
    const { entry, notes } = normalizeManifest(
      { id: 'hello', version: '1.0.0', engine: { experience: '^1.0.0' }, contributions: { routes: [{ path: '/hello', component: 'Hello' }] }, permissions: { api: [{ method: 'GET', path: '/api/hello' }], sse: [] } },
      [0],
      '/app/plugins',
    );
    expect(entry).toEqual({
      id: 'hello',
      version: '1.0.0',
      engine: { experience: '^1.0.0' },
      bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js' },
      permissions: { api: [{ method: 'GET', path: '/api/hello' }], sse: [] },
      contributions: { routes: [{ path: '/hello', component: 'Hello', resource: 'plugin.route', action: 'view' }], widgets: [] },
    });
    expect(notes.map((n) => [n.kind, n.path])).toEqual([
      ['default', '[0].bundle.file'],
      ['default', '[0].contributions.routes[0].resource'],
      ['default', '[0].contributions.routes[0].action'],
    ]);
  });

  it('keeps unknown fields in the notes, with their values, at every level', () => {
    const { notes } = normalizeManifest(
      { id: 'x', version: 1.5, author: 'me', engine: { experience: '*', min: 1 }, permissions: { storage: ['local'] }, contributions: { routes: [{ path: '/x', component: 'X', title: 'T' }], menus: [] } },
      ['plugins', 2],
      '/app/plugins',
    );
    const unknown = notes.filter((n) => n.kind === 'unknown_field').map((n) => [n.path, n.value]);
    expect(unknown).toEqual([
      ['plugins[2].author', 'me'],
      ['plugins[2].engine.min', 1],
      ['plugins[2].permissions.storage', ['local']],
      ['plugins[2].contributions.menus', []],
      ['plugins[2].contributions.routes[0].title', 'T'],
    ]);
    expect(notes.find((n) => n.path === 'plugins[2].version')?.kind).toBe('converted');
  });

  it('takes an entry under the mount as bundle.file, and replaces one elsewhere', () => {
    const inside = normalizeManifest({ id: 'a', version: '1.0.0', entry: '/app/plugins/a/1.0.0/main.js' }, [0], '/app/plugins');
    expect(inside.entry['bundle']).toEqual({ file: '/app/plugins/a/1.0.0/main.js' });
    const cdn = normalizeManifest({ id: 'a', version: '1.0.0', entry: 'https://cdn/a.js' }, [0], '/app/plugins');
    expect(cdn.entry['bundle']).toEqual({ file: '/app/plugins/a/1.0.0/index.esm.js' });
    expect(cdn.notes.find((n) => n.kind === 'default')).toMatchObject({ path: '[0].bundle.file', value: 'https://cdn/a.js' });
  });

  it('converts a subresource-integrity value to sha256:<hex>, and refuses other algorithms', () => {
    const sri = normalizeManifest({ id: 'a', version: '1.0.0', integrity: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' }, [0], '/app/plugins');
    expect(sri.entry['bundle']).toMatchObject({ integrity: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(sri.notes.find((n) => n.path === '[0].integrity')?.kind).toBe('converted');
    const other = normalizeManifest({ id: 'a', version: '1.0.0', bundle: { integrity: 'sha384-xyz' } }, [0], '/app/plugins');
    expect(other.entry['bundle']).not.toHaveProperty('integrity');
    expect(other.notes.find((n) => n.path === '[0].bundle.integrity')).toMatchObject({ kind: 'problem', value: 'sha384-xyz' });
  });

  it('reports a manifest that is not a map', () => {
    expect(normalizeManifest('hello', [3], '/app/plugins').notes).toEqual([expect.objectContaining({ kind: 'problem', path: '[3]' })]);
  });
});

describe('legacyTemplate', () => {
  it.each([
    ['/api/items/:sku', '/api/items/{sku}'],
    ['/api/items/*', '/api/items/**'],
    ['/api/items/{id}', '/api/items/{id}'],
    ['/api/*/x', '/api/*/x'],
  ])('%s -> %s', (input, output) => expect(legacyTemplate(input)).toBe(output));
});

describe('toIntegrity', () => {
  it('keeps sha256:<hex>, converts SRI sha256-<base64>, refuses others', () => {
    const hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(toIntegrity(`sha256:${hex}`)).toBe(`sha256:${hex}`);
    expect(toIntegrity('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).toBe(`sha256:${hex}`);
    expect(toIntegrity('sha384-abc')).toBeUndefined();
  });
});

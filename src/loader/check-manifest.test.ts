import { describe, expect, it } from 'vitest';
import { checkManifest, type CheckOptions } from './check-manifest.js';
import { ManifestRefusedError } from './errors/index.js';
import { ORIGIN, helloManifest, manifest } from './testing/fixtures.js';

const prod: CheckOptions = { origin: ORIGIN, mode: 'production', hostVersion: '1.4.0' };
const dev: CheckOptions = { ...prod, mode: 'development' };
const code = (raw: unknown, o = prod) => checkManifest(raw, o).error?.code ?? null;

describe('checkManifest', () => {
  it('accepts a well-formed manifest on the bundle route', () => {
    expect(checkManifest(helloManifest, prod)).toEqual({ manifest: helloManifest, error: null });
    expect(code(manifest('a', { entry: `${ORIGIN}/api/plugins/bundle?entry=a%401.0.0&id=a` }))).toBeNull();
  });

  it('refuses any entry that is not the same-origin bundle route for this plugin', () => {
    for (const entry of [
      'https://cdn.example/hello.js',
      '//cdn.example/api/plugins/bundle?entry=x&id=hello',
      '/assets/hello.js',
      '/api/plugins/bundle/../../evil.js?entry=x&id=hello',
      '/api/plugins/bundle?entry=x&id=orders',
      '/api/plugins/bundle?id=hello',
      'data:text/javascript,alert(1)',
    ]) {
      expect(code(manifest('hello', { entry })), entry).toBe('entry_refused');
    }
  });

  it('refuses a dev URL outside development mode, naming the plugin', () => {
    const m = manifest('hello', { devUrl: 'http://localhost:5173/src/index.tsx' });
    const r = checkManifest(m, prod);
    expect(r.error).toBeInstanceOf(ManifestRefusedError);
    expect(r.error?.code).toBe('dev_url_refused');
    expect(r.error?.message).toMatch(/^plugin "hello": .*http:\/\/localhost:5173.*development mode \(this host: production\)/);
    expect(r.manifest).toEqual(m); // kept, so the host can show the refusal where the plugin would be
    expect(code(m, { ...prod, mode: 'test' })).toBe('dev_url_refused');
  });

  it('allows a localhost dev URL in development mode, never another host', () => {
    expect(code(manifest('hello', { devUrl: 'http://localhost:5173/x.js' }), dev)).toBeNull();
    expect(code(manifest('hello', { devUrl: 'http://127.0.0.1:5173/x.js' }), dev)).toBeNull();
    expect(code(manifest('hello', { devUrl: 'http://dev.example:5173/x.js' }), dev)).toBe('dev_url_refused');
    expect(code(manifest('hello', { devUrl: 'file:///x.js' }), dev)).toBe('dev_url_refused');
  });

  it('refuses incompatible plugins when the manifest carries an engine range', () => {
    expect(code(manifest('legacy', { engine: { experience: '>=0.1.0 <1.0.0' } }))).toBe('incompatible_plugin');
    expect(code(manifest('ok', { engine: { experience: '>=1.0.0 <2.0.0' } }))).toBeNull();
    expect(code(manifest('bad', { engine: { experience: 'not a range' } }))).toBe('incompatible_plugin');
    const r = checkManifest(manifest('legacy', { engine: { experience: '<1.0.0' } }), prod);
    expect(r.manifest).toBeNull();
    expect(r.error?.message).toContain('this host is 1.4.0');
  });

  it('refuses malformed manifests', () => {
    expect(code(null)).toBe('invalid_manifest');
    expect(code({ id: '../x', version: '1', entry: '/' })).toBe('invalid_manifest');
    expect(code({ ...helloManifest, version: 1 })).toBe('invalid_manifest');
    expect(code({ ...helloManifest, contributions: { routes: [{ path: '/x' }] } })).toBe('invalid_manifest');
    expect(code({ ...helloManifest, contributions: { widgets: 'dashboard.main' } })).toBe('invalid_manifest');
    expect(checkManifest({ id: 'x' }, prod).error?.pluginId).toBe('x');
  });
});

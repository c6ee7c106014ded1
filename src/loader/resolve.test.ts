import { describe, expect, it } from 'vitest';
import { BundleLoadError, ContributionRefusedError, MissingComponentError } from './errors/index.js';
import { isComponent, resolveContributions } from './resolve.js';
import { Hello, HelloWidget, helloManifest, manifest } from './testing/fixtures.js';

describe('resolveContributions', () => {
  it('turns contributions into route and widget records pointing at the exported components', () => {
    const r = resolveContributions(helloManifest, { module: { Hello, HelloWidget } }, new Set());
    expect(r.problems).toEqual([]);
    expect(r.routes).toEqual([{ pluginId: 'hello', path: '/hello', componentName: 'Hello', component: Hello, error: null }]);
    expect(r.widgets).toEqual([
      { pluginId: 'hello', slot: 'dashboard.main', componentName: 'HelloWidget', component: HelloWidget, error: null },
    ]);
  });

  it('a missing component gives a record with an error, and the other contributions still resolve', () => {
    const r = resolveContributions(helloManifest, { module: { Hello, default: 1 } }, new Set());
    expect(r.routes[0]?.component).toBe(Hello);
    const w = r.widgets[0];
    expect(w?.component).toBeNull();
    expect(w?.error).toBeInstanceOf(MissingComponentError);
    expect(w?.error?.message).toBe('plugin "hello": the bundle does not export a component "HelloWidget" (it exports Hello, default)');
    expect(r.problems).toEqual([w?.error]);
  });

  it('a non-component export counts as missing', () => {
    const r = resolveContributions(helloManifest, { module: { Hello: 'Hello', HelloWidget: {} } }, new Set());
    expect(r.routes[0]?.error?.code).toBe('missing_component');
    expect(r.widgets[0]?.error?.code).toBe('missing_component');
  });

  it('a failed bundle gives every contribution the bundle error', () => {
    const error = new BundleLoadError('hello', '/api/plugins/bundle?entry=hello%401.0.0&id=hello', 'HTTP 500');
    const r = resolveContributions(helloManifest, { error }, new Set());
    expect(r.routes.map((x) => x.error)).toEqual([error]);
    expect(r.widgets.map((x) => x.error)).toEqual([error]);
    expect(r.problems).toEqual([]); // reported once, by the caller
  });

  it('refuses reserved, shell-owned, malformed and already-claimed route paths', () => {
    const claimed = new Set(['/orders']);
    const m = manifest('bad', {
      contributions: {
        routes: ['/api/x', '/auth/', '/events/stream', '/configs/stream', '/stream/x', '/readyz', '/', '/signin', '/orders', 'rel', '/a//b', '/ok']
          .map((path) => ({ path, component: 'C' })),
        widgets: [{ slot: 'bad slot', component: 'C' }],
      },
    });
    const r = resolveContributions(m, { module: { C: Hello } }, claimed);
    expect(r.routes.map((x) => x.path)).toEqual(['/ok']);
    expect(r.widgets).toEqual([]);
    expect(r.problems).toHaveLength(12);
    expect(r.problems.every((p) => p instanceof ContributionRefusedError)).toBe(true);
    expect(r.problems[0]?.message).toBe('plugin "bad": route /api/x: is reserved for the BFF');
    expect(claimed.has('/ok')).toBe(true);
  });

  it('recognises function, class and wrapped components', () => {
    class C {}
    expect([() => null, C, { $$typeof: Symbol.for('react.memo') }].every(isComponent)).toBe(true);
    expect([null, 'Hello', {}, 1].some(isComponent)).toBe(false);
  });
});

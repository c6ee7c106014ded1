import type { PluginManifest } from '../types.js';

export const ORIGIN = 'https://experience.test';

/** A manifest as the BFF sends it; override any field. */
export function manifest(id: string, over: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id,
    version: '1.0.0',
    entry: `/api/plugins/bundle?entry=${id}%401.0.0&id=${id}`,
    contributions: { routes: [], widgets: [] },
    ...over,
  };
}

export const Hello = () => null;
export const HelloWidget = () => null;

export const helloManifest = manifest('hello', {
  contributions: {
    routes: [{ path: '/hello', component: 'Hello', resource: 'plugin.route', action: 'view' }],
    widgets: [{ slot: 'dashboard.main', component: 'HelloWidget', resource: 'plugin.widget', action: 'view' }],
  },
});

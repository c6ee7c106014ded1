export { usePlugins } from './use-plugins.js';
export { PluginMount } from './plugin-mount.js';
export { PluginBoundary } from './plugin-boundary.js';
export { ErrorPanel } from './error-panel.js';
export { Slot } from './slot.js';
export { routeLabel } from './labels.js';

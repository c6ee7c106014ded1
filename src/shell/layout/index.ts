export { Layout, type LayoutProps } from './layout.js';
export { Nav } from './nav.js';
export { Pending, type PendingProps } from './pending.js';

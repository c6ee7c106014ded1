export { Layout, type LayoutProps } from './layout.js';
export { Nav } from './nav.js';

// The sneaky plugin: tries what it may not, shows the refusals, keeps its own features working.
export { SneakyPage } from './sneaky-page.js';

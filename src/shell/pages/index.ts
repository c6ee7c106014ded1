export { SignInPage } from './sign-in-page.js';
export { DashboardPage } from './dashboard-page.js';
export { PluginRoutePage } from './plugin-route-page.js';
export { NotFoundPage } from './not-found-page.js';

export { createAuthz, type AuthzDecision, type PluginAuthz } from './evaluate.js';

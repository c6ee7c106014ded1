/** The header the BFF uses to attribute and authorize every plugin request. */
export const PLUGIN_ID_HEADER = 'X-Plugin-Id';

/**
 * The header the host's own state-changing calls carry (telemetry, sign-in, logout): a
 * cross-site page cannot send it without a CORS preflight, which the BFF never grants.
 */
export const CSRF_HEADER = 'X-Experience-Csrf';

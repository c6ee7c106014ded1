/**
 * The paths the SPA leaves to the BFF (spec, "CSP & routing"). One list for every layer: the
 * config refuses plugin routes under them, the BFF never serves the shell there, the browser
 * loader and router keep off them, and the Traefik routers in config/traefik/ match them
 * (src/shell/traefik.test.ts). No imports: the browser bundle imports this file too.
 */
export const RESERVED_PREFIXES: readonly string[] = Object.freeze(['/api/', '/auth/', '/events/', '/configs/stream', '/stream/']);

/** The BFF's own endpoints outside those prefixes (health and metrics). */
export const BFF_ENDPOINTS: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

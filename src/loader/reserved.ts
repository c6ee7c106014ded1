/**
 * Paths the SPA leaves to the BFF (spec, "CSP & routing"). The Traefik routers in
 * `config/traefik/` use the same list; src/shell/traefik.test.ts keeps them in step.
 */
export const RESERVED_PREFIXES: readonly string[] = Object.freeze(['/api/', '/auth/', '/events/', '/configs/stream', '/stream/']);

/** The BFF's own endpoints outside those prefixes (health and metrics). */
export const BFF_ENDPOINTS: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

/** Paths the shell itself owns; no plugin route may take them. */
export const SHELL_PATHS: readonly string[] = Object.freeze(['/', '/signin']);

/** True for any path the BFF answers: a plugin route may not take it, the SPA router never handles it. */
export function isReservedPath(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path.startsWith(p) || `${path}/` === p) || BFF_ENDPOINTS.includes(path);
}

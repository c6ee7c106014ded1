/**
 * The paths the SPA leaves to the BFF (spec, "CSP & routing"). One list for every layer: the
 * config refuses plugin routes under them, the BFF never serves the shell there, the browser
 * loader and router keep off them, and the Traefik routers in config/traefik/ match them
 * (src/shell/traefik.test.ts). No imports: the browser bundle imports this file too.
 */
export const RESERVED_PREFIXES: readonly string[] = Object.freeze(['/api/', '/auth/', '/events/', '/configs/stream', '/stream/']);

/** The health endpoints: the only BFF paths outside the prefixes that the public listener answers. */
export const HEALTH_ENDPOINTS: readonly string[] = Object.freeze(['/healthz', '/readyz']);

/**
 * The BFF's own endpoints outside those prefixes. `/metrics` is served only on the operators'
 * metrics listener, yet stays reserved: on the public one it is a 404, never the shell or a plugin route.
 */
export const BFF_ENDPOINTS: readonly string[] = Object.freeze([...HEALTH_ENDPOINTS, '/metrics']);

/**
 * True for a path that is never the shell: under a reserved prefix, or a BFF endpoint or any
 * path below it (`/metrics`, `/metrics/x`; not `/metrics-board`).
 */
export function isBffPath(pathname: string): boolean {
  return (
    RESERVED_PREFIXES.some((p) => pathname.startsWith(p) || `${pathname}/` === p) ||
    BFF_ENDPOINTS.some((e) => pathname === e || pathname.startsWith(`${e}/`))
  );
}

import { BFF_ENDPOINTS, RESERVED_PREFIXES, isBffPath } from '../config/reserved-paths.js';

/** Paths the SPA leaves to the BFF: one list for config, BFF, loader and Traefik (src/config). */
export { BFF_ENDPOINTS, RESERVED_PREFIXES };

/** Paths the shell itself owns; no plugin route may take them. */
export const SHELL_PATHS: readonly string[] = Object.freeze(['/', '/signin']);

/** True for any path the BFF answers: a plugin route may not take it, the SPA router never handles it. */
export function isReservedPath(path: string): boolean {
  return isBffPath(path);
}

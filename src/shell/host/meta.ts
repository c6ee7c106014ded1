import type { HostMode } from '../../loader/index.js';

export interface HostConfig {
  origin: string;
  mode: HostMode;
  version: string;
}

/**
 * Reads what the build wrote into index.html (`<meta name="experience-mode">`, `-version`):
 * meta tags, not an inline script, so the CSP needs no exception. Unknown mode: production.
 */
export function readHostConfig(doc: Document, origin: string): HostConfig {
  const meta = (name: string) => doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
  const raw = meta('experience-mode');
  const mode: HostMode = raw === 'development' || raw === 'test' ? raw : 'production';
  return { origin, mode, version: meta('experience-version') || '0.0.0' };
}

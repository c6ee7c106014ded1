import { DiscoveryError } from './errors/index.js';
import type { ManifestsDocument } from './types.js';

export const MANIFESTS_ROUTE = '/api/plugins/manifests';

export interface Discovered {
  document: ManifestsDocument;
  /** False when the BFF answered 304: same manifests as last time, nothing to re-resolve. */
  changed: boolean;
}

/**
 * Fetches the manifests with `If-None-Match`, keeping the last answer for the session. The cache
 * is per `scope` (the signed-in user and tenant): manifests are PDP-filtered per user, so one
 * user's 304 must never revive another user's list.
 */
export function createManifestClient(fetchImpl: typeof fetch) {
  let cached: { scope: string; etag: string; document: ManifestsDocument } | null = null;

  return {
    async discover(scope: string): Promise<Discovered> {
      const headers = new Headers({ Accept: 'application/json' });
      const reuse = cached && cached.scope === scope ? cached : null;
      if (reuse) headers.set('If-None-Match', reuse.etag);
      let res: Response;
      try {
        res = await fetchImpl(MANIFESTS_ROUTE, { headers, credentials: 'same-origin', cache: 'no-cache' });
      } catch (cause) {
        throw new DiscoveryError(`GET ${MANIFESTS_ROUTE}: network failure`, { cause });
      }
      // A browser may answer a revalidated 304 from its own cache as a 200 with the same ETag.
      if (reuse && (res.status === 304 || (res.ok && res.headers.get('etag') === reuse.etag))) {
        return { document: reuse.document, changed: false };
      }
      if (!res.ok) throw new DiscoveryError(`GET ${MANIFESTS_ROUTE} answered ${res.status}`, { status: res.status });
      let body: unknown;
      try {
        body = await res.json();
      } catch (cause) {
        throw new DiscoveryError(`GET ${MANIFESTS_ROUTE} did not answer JSON`, { cause });
      }
      const document = asDocument(body);
      const etag = res.headers.get('etag');
      cached = etag ? { scope, etag, document } : null;
      return { document, changed: true };
    },
    /** Forget everything (sign-out). */
    reset() {
      cached = null;
    },
  };
}

export type ManifestClient = ReturnType<typeof createManifestClient>;

function asDocument(body: unknown): ManifestsDocument {
  const b = body as { revision?: unknown; plugins?: unknown };
  if (typeof b !== 'object' || b === null || !Array.isArray(b.plugins)) {
    throw new DiscoveryError(`GET ${MANIFESTS_ROUTE} answered an unexpected shape (no plugins list)`);
  }
  return { revision: typeof b.revision === 'string' ? b.revision : '', plugins: b.plugins };
}

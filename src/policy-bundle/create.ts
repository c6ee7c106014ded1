/** One call for the process wiring: the keys loaded, and the file or bundle-server source. */
import { createFileBundleSource } from './file-source.js';
import { loadBundleKeys } from './keys.js';
import type { BundleLogger, PolicySource } from './types.js';
import { createUrlBundleSource } from './url-source.js';

/** A bundle file (`named`: as the operator configured it, for messages), or a bundle server polled every pollSeconds. */
export type PolicyBundleLocation = { kind: 'file'; path: string; named: string } | { kind: 'url'; url: URL; pollSeconds: number; token?: string };

/** A bundle source, with a poller to start and stop when it is a bundle server. */
export interface PolicyBundle {
  readonly source: PolicySource;
  /** How messages name the bundle: the file as configured, or the URL without its query. */
  readonly shown: string;
  /** Starts polling (a bundle server only); `onChange` runs when different bytes were downloaded. */
  start(onChange: () => void): void;
  close(): Promise<void>;
}

/**
 * Loads the keys (rejecting with EngineLoadError policy_bundle_keys_invalid naming the file as
 * configured) and returns the source.
 * @example const bundle = await createPolicyBundle({ kind: 'file', path: '/srv/bundle.tar.gz', named: 'bundle.tar.gz' }, { path: '/srv/keys.yaml', named: 'keys.yaml' });
 */
export async function createPolicyBundle(
  location: PolicyBundleLocation,
  keysFile: { path: string; named: string } | undefined,
  logger?: BundleLogger,
): Promise<PolicyBundle> {
  const keys = keysFile ? await loadBundleKeys(keysFile.path, keysFile.named) : undefined;
  if (location.kind === 'file') {
    return { source: createFileBundleSource(location.path, keys), shown: location.named, start: () => {}, close: async () => {} };
  }
  const source = createUrlBundleSource({ url: location.url, keys, pollSeconds: location.pollSeconds, ...(location.token ? { token: location.token } : {}), ...(logger ? { logger } : {}) });
  return { source, shown: `${location.url.origin}${location.url.pathname}`, start: (onChange) => source.start(onChange), close: () => source.close() };
}

/**
 * OPA policy bundles: a bundle.tar.gz from `opa build -t wasm` (a file or a bundle server),
 * its `opa sign` signature verified against configured keys, unpacked to the Wasm module the
 * engine loads. Knows nothing about Koa; the reloader reads through a PolicySource.
 */
export type { LoadedBundle } from './bundle.js';
export { readBundle } from './bundle.js';
export { loadBundleKeys, parseBundleKeys, type BundleKey, type BundleKeys } from './keys.js';
export { createFileBundleSource } from './file-source.js';
export { createUrlBundleSource, type PollResult, type UrlBundleSource, type UrlBundleSourceOptions } from './url-source.js';
export type { BundleLogger, PolicyBundleStatus, PolicyBytes, PolicySource } from './types.js';
export { createPolicyBundle, type PolicyBundle, type PolicyBundleLocation } from './create.js';

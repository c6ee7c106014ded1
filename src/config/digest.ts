import { createHash } from 'node:crypto';
import { canonicalJson } from './serialize.js';
import type { GrantsConfig, PluginsConfig } from './types.js';

/**
 * sha256 (hex) of the canonical JSON of the whole validated model, both files. Everything the
 * BFF serves from the config is in the model (bundle file/url/integrity, rate limits, upstreams,
 * engine ranges, not only what is compiled into `data.registry`), so two loads with the same
 * digest serve the same; comments, layout, quoting and key order do not change it.
 * @example configDigest(loaded.plugins, loaded.grants) // '3f1c…' (64 hex)
 */
export function configDigest(plugins: PluginsConfig, grants: GrantsConfig): string {
  return createHash('sha256').update(canonicalJson({ grants, plugins })).digest('hex');
}

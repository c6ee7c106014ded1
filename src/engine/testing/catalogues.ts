/**
 * Reason catalogues for fake engines in unit tests, parsed by the same code as a real policy's
 * (so a fake can only declare what a policy could). Their reasons are the fakes' own.
 */
import { parseCatalogue, type CatalogueName, type ReasonCatalogues } from '../catalogue.js';

const DEFAULTS: Record<CatalogueName, Record<string, unknown>> = {
  api: {
    allowed: { allow: true, plugin_recognised: true },
    refused: { http_status: 403, violation: 'allowlist', plugin_recognised: true, message: 'Refused by the test policy' },
    anonymous: { http_status: 403, message: 'No plugin id' },
  },
  sse: {
    allowed: { allow: true, plugin_recognised: true },
    refused: { http_status: 403, plugin_recognised: true, message: 'Topic refused by the test policy' },
  },
  authz: { granted: { allow: true }, not_granted: {} },
};

/** The default test catalogues, with whole catalogues replaced by `declared`. */
export function testCatalogues(declared: Partial<Record<CatalogueName, Record<string, unknown>>> = {}): ReasonCatalogues {
  const all = { ...DEFAULTS, ...declared };
  return { api: parseCatalogue('api', all.api), sse: parseCatalogue('sse', all.sse), authz: parseCatalogue('authz', all.authz) };
}

/**
 * Reason catalogues as a test policy writes them, for engine tests that build small real policies
 * with the OPA CLI: the engine refuses a module without them.
 */
import type { CatalogueName } from '../catalogue.js';

/** A catalogue entrypoint (`experience/<area>/catalogue`) declaring `reasons` in its METADATA (JSON is YAML). */
export function catalogueRego(area: CatalogueName, reasons: Record<string, unknown>): string {
  return `package experience.${area}

# METADATA
# entrypoint: true
# custom:
#   reasons: ${JSON.stringify(reasons)}
catalogue := [link.annotations.custom.reasons | some link in rego.metadata.chain(); link.annotations.custom.reasons][0]
`;
}

/** The three catalogue files for `buildWasm`, one per area. */
export function catalogueFiles(reasons: Record<CatalogueName, Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries((Object.keys(reasons) as CatalogueName[]).map((area) => [`${area}-catalogue.rego`, catalogueRego(area, reasons[area])]));
}

import { CATALOGUES } from './catalogue.js';

/** The decisions every policy.wasm must export for the BFF (see docs/contracts.md). */
export const ENTRYPOINTS = {
  api: 'experience/api/decision',
  sse: 'experience/sse/decision',
  contributions: 'experience/contributions/decision',
  authz: 'experience/authz/decision',
} as const;

export type EntrypointName = keyof typeof ENTRYPOINTS;

/**
 * What the CLI asks the same module (docs/contracts.md, "Explanations and relations"): why a
 * decision came out as it did, and the relations `diff`, `harness` and `validate` need. The BFF does
 * not need them, so a module without them still serves.
 */
export const TOOL_ENTRYPOINTS = {
  explainApi: 'experience/api/explanation',
  explainSse: 'experience/sse/explanation',
  explainContributions: 'experience/contributions/explanation',
  explainAuthz: 'experience/authz/explanation',
  covers: 'experience/tooling/covers',
  declared: 'experience/tooling/declared',
  granted: 'experience/tooling/granted',
} as const;

export type ToolEntrypointName = keyof typeof TOOL_ENTRYPOINTS;

/** Every entrypoint `make policy` compiles into build/policy.wasm (the Makefile's ENTRYPOINTS), in its order. */
export const ALL_ENTRYPOINTS: readonly string[] = [
  ...Object.values(ENTRYPOINTS),
  ...Object.values(CATALOGUES).map((c) => c.entrypoint),
  ...Object.values(TOOL_ENTRYPOINTS),
];

/** The entrypoints every policy.wasm must export (see docs/contracts.md). */
export const ENTRYPOINTS = {
  api: 'experience/api/decision',
  sse: 'experience/sse/decision',
  contributions: 'experience/contributions/decision',
  authz: 'experience/authz/decision',
} as const;

export type EntrypointName = keyof typeof ENTRYPOINTS;

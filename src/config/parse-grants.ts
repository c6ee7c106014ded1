import type { ParseResult } from './issue.js';
import { runPipeline } from './pipeline.js';
import type { Grant, GrantsConfig, TenantGrants } from './types.js';

export interface ParseGrantsOptions {
  /** Shown in issues; the parser never reads it. */
  file: string;
}

/**
 * Parses and validates grants.yaml text. Pure: no I/O. Missing `roles`/`users` become `{}`.
 * @example parseGrants('tenants:\n  localhost:\n    roles: {}\n', { file: 'grants.yaml' })
 */
export function parseGrants(text: string, options: ParseGrantsOptions): ParseResult<GrantsConfig> {
  // Everything grants.yaml can get wrong, the schema expresses: no semantic pass.
  return runPipeline(text, options.file, 'grants', () => [], toModel);
}

type Data = Record<string, unknown>;

function toModel(data: unknown): GrantsConfig {
  const tenants = (data as Data)['tenants'] as Record<string, Data>;
  return {
    tenants: Object.fromEntries(Object.entries(tenants).map(([host, t]) => [host, toTenant(t)])),
  };
}

function toTenant(t: Data): TenantGrants {
  return { roles: toSubjects(t['roles']), users: toSubjects(t['users']) };
}

// Object.fromEntries defines own properties, so even an odd key can never touch a prototype.
function toSubjects(value: unknown): Record<string, Grant[]> {
  const subjects = (value ?? {}) as Record<string, Data[]>;
  return Object.fromEntries(
    Object.entries(subjects).map(([name, grants]) => [name, grants.map((g) => ({ resource: String(g['resource']), action: String(g['action']) }))]),
  );
}

import * as names from '../names.js';

/** `$defs.tenantHost`, the same in every config schema: a tenant is chosen by the request host. */
export const TENANT_HOST_DEF = {
  description: 'A lower-case host name without port, e.g. acme.example.com.',
  type: 'string',
  pattern: names.TENANT_HOST,
} as const;

/** The top-level `tenants` map of a config file: tenant host -> `value`. */
export function tenantsProperty<T extends object>(description: string, value: T) {
  return {
    title: 'Tenants',
    description,
    type: 'object',
    propertyNames: { $ref: '#/$defs/tenantHost' },
    additionalProperties: value,
  } as const;
}

import * as names from '../names.js';
import { TENANT_HOST_DEF, tenantsProperty } from './shared.js';

/**
 * JSON Schema (draft 2020-12) for config/grants.yaml. Source of truth for
 * config/grants.schema.json (a test keeps them equal).
 */
export const GRANTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:experience-plugins:schema:grants',
  title: 'Experience grants (grants.yaml)',
  description:
    'Per tenant host: which roles and users are granted which resource/action. "*" matches any value; no grant means deny. See docs/contracts.md.',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    tenants: tenantsProperty('Tenant host (lower-case, no port) -> its roles and users.', { $ref: '#/$defs/tenant' }),
  },
  $defs: {
    tenantHost: TENANT_HOST_DEF,
    tenant: {
      type: 'object',
      additionalProperties: false,
      properties: {
        roles: {
          description: 'Role name -> grants.',
          type: 'object',
          default: {},
          propertyNames: { $ref: '#/$defs/roleName' },
          additionalProperties: { $ref: '#/$defs/grantList' },
        },
        users: {
          description: 'User id -> grants, in addition to the grants of the user\'s roles.',
          type: 'object',
          default: {},
          propertyNames: { $ref: '#/$defs/userId' },
          additionalProperties: { $ref: '#/$defs/grantList' },
        },
      },
    },
    roleName: { description: 'Letters, digits, "_", ".", ":" and "-", e.g. dashboard-user.', type: 'string', pattern: names.ROLE },
    userId: { description: 'The user id the session carries; no whitespace, no leading "_".', type: 'string', pattern: names.USER_ID },
    grantList: { type: 'array', items: { $ref: '#/$defs/grant' } },
    grant: {
      type: 'object',
      additionalProperties: false,
      required: ['resource', 'action'],
      properties: {
        resource: { $ref: '#/$defs/grantResource' },
        action: { $ref: '#/$defs/grantAction' },
      },
    },
    grantResource: { description: 'A resource, e.g. plugin.widget, or "*" for any.', type: 'string', pattern: names.GRANT_RESOURCE },
    grantAction: { description: 'An action, e.g. view, or "*" for any.', type: 'string', pattern: names.GRANT_ACTION },
  },
} as const;

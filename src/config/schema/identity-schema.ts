import { ID_TOKEN_ALGORITHMS } from '../identity-types.js';
import * as names from '../names.js';
import { TENANT_HOST_DEF, tenantsProperty } from './shared.js';

/**
 * JSON Schema (draft 2020-12) for config/identity.yaml. Source of truth for
 * config/identity.schema.json (a test keeps them equal).
 */
export const IDENTITY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:experience-plugins:schema:identity',
  title: 'Experience identity providers (identity.yaml)',
  description:
    'Per tenant host: the OpenID Connect provider its users sign in with, and how its claims become the user id and roles. Secrets are never written here: clientSecret names an environment variable.',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    tenants: tenantsProperty('Tenant host (lower-case, no port) -> its provider.', { $ref: '#/$defs/provider' }),
  },
  $defs: {
    tenantHost: TENANT_HOST_DEF,
    provider: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'issuer', 'clientId', 'clientSecret'],
      properties: {
        name: { description: 'Shown on the sign-in page: "Sign in with <name>".', type: 'string', minLength: 1, maxLength: 64 },
        issuer: { description: 'The issuer URL (https; http only for localhost outside production). Discovery: <issuer>/.well-known/openid-configuration.', type: 'string', minLength: 1 },
        clientId: { description: 'The client id registered at the provider.', type: 'string', minLength: 1, maxLength: 512 },
        clientSecret: { $ref: '#/$defs/envReference' },
        tokenAuthMethod: {
          description: 'How the BFF authenticates at the token endpoint.',
          enum: ['client_secret_basic', 'client_secret_post'],
          default: 'client_secret_basic',
        },
        scopes: {
          description: 'Scopes to request; must include openid.',
          type: 'array',
          items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$' },
          uniqueItems: true,
          minItems: 1,
          default: ['openid', 'profile'],
        },
        authorizationParams: {
          description: 'Extra authorization request parameters, e.g. { access_type: offline } for Google. The protocol parameters are the BFF\'s own.',
          type: 'object',
          propertyNames: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
          additionalProperties: { type: 'string', maxLength: 512 },
        },
        userClaim: { description: 'The ID token claim that is the user id.', type: 'string', minLength: 1, maxLength: 256, default: 'sub' },
        rolesClaim: { description: 'The claim with the groups or roles: a claim name, else a dotted path such as realm_access.roles.', type: 'string', minLength: 1, maxLength: 256 },
        roleMap: {
          description: 'IdP group -> the role names of grants.yaml it gives. When present, a group not listed gives no role.',
          type: 'object',
          propertyNames: { type: 'string', minLength: 1, maxLength: 256 },
          additionalProperties: { type: 'array', items: { $ref: '#/$defs/roleName' }, uniqueItems: true },
        },
        defaultRoles: { description: 'Roles every user of this provider gets.', type: 'array', items: { $ref: '#/$defs/roleName' }, uniqueItems: true, default: [] },
        idTokenAlgorithms: {
          description: 'ID token signing algorithms accepted (asymmetric only).',
          type: 'array',
          items: { enum: [...ID_TOKEN_ALGORITHMS] },
          uniqueItems: true,
          minItems: 1,
          default: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        },
        postLogoutPath: { description: 'Path on the tenant the provider returns to after its logout.', type: 'string', pattern: '^/(?!/)[A-Za-z0-9\\-._~!$&\'()*+,;=:@%/]*$', default: '/' },
      },
    },
    envReference: {
      description: 'The name of the environment variable that holds the secret: { env: NAME }.',
      type: 'object',
      additionalProperties: false,
      required: ['env'],
      properties: { env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]{0,127}$' } },
    },
    roleName: { description: 'Letters, digits, "_", ".", ":" and "-", e.g. dashboard-user.', type: 'string', pattern: names.ROLE },
  },
} as const;

import * as names from '../names.js';
import { TENANT_HOST_DEF, tenantsProperty } from './shared.js';

/**
 * JSON Schema (draft 2020-12) for config/plugins.yaml. This object is the source of truth;
 * config/plugins.schema.json is the same document written out for editors (a test keeps them equal).
 * Patterned strings live in `$defs` so an error can be traced to the rule it broke (see ajv-issues.ts).
 */
export const PLUGINS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:experience-plugins:schema:plugins',
  title: 'Experience plugins (plugins.yaml)',
  description:
    'Per tenant host: the plugins installed, their bundles, the APIs and SSE topics each may use, and what they contribute to the SPA. See docs/contracts.md.',
  type: 'object',
  additionalProperties: false,
  required: ['tenants'],
  properties: {
    tenants: tenantsProperty('Tenant host (lower-case, no port; chosen by the request host) -> its plugins, in order.', { type: 'array', items: { $ref: '#/$defs/plugin' } }),
    upstreams: {
      title: 'Upstreams',
      description: 'Further upstream services for plugin API calls, by path prefix (longest prefix wins).',
      type: 'array',
      default: [],
      items: { $ref: '#/$defs/upstream' },
    },
  },
  $defs: {
    tenantHost: TENANT_HOST_DEF,
    plugin: {
      title: 'Plugin',
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version', 'engine', 'bundle'],
      properties: {
        id: { $ref: '#/$defs/pluginId' },
        version: {
          title: 'Version',
          description: 'The bundle version, a canonical semver version (quote it: "1.0.0").',
          type: 'string',
          examples: ['1.0.0'],
        },
        engine: {
          type: 'object',
          additionalProperties: false,
          required: ['experience'],
          properties: {
            experience: {
              title: 'Host compatibility',
              description: 'A semver range the host app version must satisfy, e.g. ">=1.0.0 <2.0.0". Incompatible plugins are left out.',
              type: 'string',
              minLength: 1,
              examples: ['>=1.0.0 <2.0.0'],
            },
          },
        },
        bundle: { $ref: '#/$defs/bundle' },
        permissions: {
          title: 'Permissions',
          description: 'What the plugin may call; everything else is refused by the BFF.',
          type: 'object',
          additionalProperties: false,
          properties: {
            api: { type: 'array', default: [], items: { $ref: '#/$defs/apiPermission' } },
            sse: {
              description: 'SSE topic prefixes: "orders" allows "orders" and "orders.created".',
              type: 'array',
              default: [],
              items: { $ref: '#/$defs/topicPrefix' },
            },
          },
        },
        contributions: {
          title: 'Contributions',
          description: 'Routes and widgets the plugin adds to the SPA, each gated by a resource/action grant.',
          type: 'object',
          additionalProperties: false,
          properties: {
            routes: { type: 'array', default: [], items: { $ref: '#/$defs/route' } },
            widgets: { type: 'array', default: [], items: { $ref: '#/$defs/widget' } },
          },
        },
        disabled: { $ref: '#/$defs/disabled' },
        rateLimit: {
          title: 'Rate limit',
          description: 'Per plugin and tenant: a sustained rate and a burst above it.',
          type: 'object',
          additionalProperties: false,
          required: ['requestsPerSecond', 'burst'],
          properties: {
            requestsPerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100000 },
            burst: { type: 'integer', minimum: 1, maximum: 1000000 },
          },
        },
      },
    },
    disabled: {
      title: 'Disabled',
      description:
        'The kill switch: the plugin stays configured but is off for this tenant. It leaves the manifests, its bundle answers 404 and every API call and stream of it is refused (403 plugin_disabled); open streams close at the reload. The reason is for operators (explain, /readyz on the operators listener, the log), never sent to a browser.',
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      properties: { reason: { $ref: '#/$defs/disabledReason' } },
      examples: [{ reason: 'INC-1234: leaks order data, off until 2.1.1' }],
    },
    disabledReason: {
      description: 'Why the plugin is off: one line of 1-200 characters, not only spaces, no control characters.',
      type: 'string',
      pattern: names.DISABLED_REASON,
    },
    pluginId: {
      description: 'Lower-case letters, digits and "-", starting with a letter, at most 63 characters.',
      type: 'string',
      pattern: names.PLUGIN_ID,
    },
    bundle: {
      title: 'Bundle',
      description: 'Where the ESM bundle comes from: exactly one of file or url.',
      type: 'object',
      additionalProperties: false,
      properties: {
        file: {
          description: 'Absolute path under the bundle mount, inside <mount>/<id>/, e.g. /app/plugins/hello/1.0.0/index.esm.js.',
          type: 'string',
        },
        url: {
          description: 'Development mode only: http://localhost[:port]/... or http://127.0.0.1[:port]/...',
          type: 'string',
        },
        integrity: { $ref: '#/$defs/integrity' },
      },
      // The `true` properties satisfy ajv's strictRequired; the parent defines their types.
      oneOf: [
        { required: ['file'], properties: { file: true } },
        { required: ['url'], properties: { url: true } },
      ],
    },
    integrity: {
      description:
        '"sha256:" and 64 lower-case hex digits of the bundle bytes: bytes that differ are refused (409). Required in production; "none" serves the bundle unverified, an explicit opt-out `validate` warns about.',
      type: 'string',
      pattern: names.BUNDLE_INTEGRITY,
      examples: ['sha256:5d1d2ecf30ff1e3d05c3a652e8409fed740bed66036b70fd9e5dcefb67d2f99a', 'none'],
    },
    apiPermission: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'path'],
      properties: {
        method: { $ref: '#/$defs/method' },
        path: {
          description: 'Path template: /api/orders (exact), /api/orders/{id} (one segment), /api/catalog/** (prefix).',
          type: 'string',
        },
      },
    },
    method: { description: 'An upper-case HTTP method.', type: 'string', enum: [...names.HTTP_METHODS] },
    topicPrefix: { description: 'Dot-separated words, e.g. orders or orders.created.', type: 'string', pattern: names.TOPIC },
    route: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'component', 'resource', 'action'],
      properties: {
        path: { description: 'A clean absolute SPA path, e.g. /orders.', type: 'string' },
        component: { $ref: '#/$defs/component' },
        resource: { $ref: '#/$defs/resource' },
        action: { $ref: '#/$defs/action' },
      },
    },
    widget: {
      type: 'object',
      additionalProperties: false,
      required: ['slot', 'component', 'resource', 'action'],
      properties: {
        slot: { $ref: '#/$defs/slot' },
        component: { $ref: '#/$defs/component' },
        resource: { $ref: '#/$defs/resource' },
        action: { $ref: '#/$defs/action' },
      },
    },
    component: { description: 'The name the bundle exports (a JavaScript identifier).', type: 'string', pattern: names.COMPONENT },
    resource: { description: 'PDP hint: the resource a user must be granted, e.g. plugin.route.', type: 'string', pattern: names.RESOURCE },
    action: { description: 'PDP hint: the action a user must be granted, e.g. view.', type: 'string', pattern: names.ACTION },
    slot: { description: 'A widget slot of the SPA, e.g. dashboard.main.', type: 'string', pattern: names.SLOT },
    upstream: {
      type: 'object',
      additionalProperties: false,
      required: ['prefix', 'url'],
      properties: {
        prefix: { description: 'A clean absolute path prefix, e.g. /api/catalog.', type: 'string' },
        url: { description: 'An http(s) base URL, e.g. http://catalog:8080.', type: 'string' },
        forwardAccessToken: {
          description: "Send the signed-in user's access token to this upstream as Authorization: Bearer (refreshed by the BFF before it expires). Never sent to an upstream without it.",
          type: 'boolean',
          default: false,
        },
      },
    },
  },
} as const;

/**
 * Every `ConfigIssue.code` the loader can produce, with what it means. Codes are stable: the
 * CLI, the reload status and the docs refer to them.
 */
export const ISSUE_CODES = {
  file_unreadable: 'the file could not be read',
  empty_file: 'the file holds no YAML document',
  yaml_syntax: 'the file is not valid YAML',
  yaml_duplicate_key: 'a key appears twice in the same map',
  yaml_warning: 'YAML the loader refuses to guess about (e.g. an unknown tag)',
  yaml_alias_limit: 'too many alias expansions (a resource-exhaustion guard)',
  schema: 'the value does not have the type, range or shape the schema requires',
  missing_field: 'a required field is missing',
  unknown_field: 'a field the schema does not know (often a typo)',
  invalid_tenant_host: 'a tenant key is not a lower-case host name without a port',
  invalid_plugin_id: 'a plugin id does not match ^[a-z][a-z0-9-]{0,62}$',
  duplicate_plugin_id: 'the same plugin id twice in one tenant',
  invalid_version: 'version is not a canonical semver version',
  invalid_engine_range: 'engine.experience is not a semver range',
  unsatisfiable_engine_range: 'engine.experience is a range no version satisfies',
  invalid_bundle: 'bundle has both or neither of file and url',
  invalid_bundle_path: 'bundle.file is not a clean absolute path to a .js or .mjs file',
  bundle_outside_root: 'bundle.file is not inside <mount>/<plugin id>/',
  bundle_url_not_allowed: 'bundle.url is used outside development mode',
  invalid_bundle_url: 'bundle.url is not http://localhost[:port]/... or http://127.0.0.1[:port]/...',
  invalid_integrity: 'bundle.integrity is neither sha256: followed by 64 lower-case hex digits nor none',
  missing_integrity: 'production mode and a bundle without integrity (pin it, or opt out with integrity: none)',
  invalid_disabled_reason: 'disabled.reason is empty, only spaces, longer than 200 characters or holds a control character',
  invalid_method: 'a method is not an upper-case HTTP method',
  invalid_path_template: 'an API path template breaks the template rules',
  invalid_sse_prefix: 'an SSE topic prefix is not dot-separated words',
  invalid_route_path: 'a route path is not a clean absolute path',
  reserved_route_path: 'a route path lies under a prefix the SPA router leaves to the BFF',
  duplicate_route_path: 'two plugins (or one plugin twice) in a tenant contribute the same route path',
  invalid_upstream_prefix: 'an upstream prefix is not a clean absolute path',
  invalid_upstream_url: 'an upstream url is not an http(s) origin (no path, credentials, query or fragment)',
  duplicate_upstream_prefix: 'two upstreams with the same prefix',
  invalid_issuer: 'an identity provider issuer is not an https URL (http only for a loopback provider outside production)',
  missing_secret_env: 'the environment variable a clientSecret names is not set',
  invalid_scopes: 'the scopes of an identity provider do not include openid',
  reserved_authorization_param: 'an authorizationParams entry sets a parameter the BFF sets itself',
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;

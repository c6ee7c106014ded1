/**
 * The name rules shared by the JSON Schemas, the semantic checks and the compiler. One place,
 * so an editor's red squiggle and the loader's refusal always agree.
 */

/** Plugin id: lower-case, starts with a letter, at most 63 characters (a path segment and a header value). */
export const PLUGIN_ID = '^[a-z][a-z0-9-]{0,62}$';

/** Tenant host: a lower-case DNS name (labels of 1-63 characters, no port, no trailing dot). */
export const TENANT_HOST = '^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$';

/** SSE topic or topic prefix: dot-separated words (docs/contracts.md). */
export const TOPIC = '^[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*$';

/** `sha256:` followed by 64 lower-case hex digits. */
export const INTEGRITY = '^sha256:[0-9a-f]{64}$';

/** What `bundle.integrity` says to serve a bundle without checking its bytes: an explicit, reviewable opt-out. */
export const INTEGRITY_NONE = 'none';

/** `bundle.integrity`: a pin, or the opt-out. */
export const BUNDLE_INTEGRITY = '^(?:sha256:[0-9a-f]{64}|none)$';

/** A PDP resource (`plugin.route`, `orders.page`): dot-separated words. */
export const RESOURCE = '^[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*$';

/** A PDP action (`view`, `edit`). */
export const ACTION = '^[A-Za-z0-9_-]+$';

/** A grant may also use `*` for "any resource" or "any action". */
export const GRANT_RESOURCE = '^(?:\\*|[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*)$';
export const GRANT_ACTION = '^(?:\\*|[A-Za-z0-9_-]+)$';

/** A widget slot (`dashboard.main`). */
export const SLOT = '^[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*$';

/** A component: the name of an export of the plugin bundle, so a JavaScript identifier. */
export const COMPONENT = '^[A-Za-z_$][A-Za-z0-9_$]*$';

/** A role name in grants.yaml (`dashboard-user`). */
export const ROLE = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';

/** A user id in grants.yaml, as the session carries it: no whitespace, no leading `_` (keeps `__proto__` out). */
export const USER_ID = '^[^\\s_][^\\s]{0,255}$';

/**
 * `disabled.reason` in plugins.yaml: why an operator turned a plugin off, for explain, the operators' /readyz and the log.
 * One line of 1-200 characters with something besides spaces: no control characters (C0, DEL, C1) and no
 * Unicode line or paragraph separator, so it cannot break a log line or a terminal's output.
 */
export const DISABLED_REASON = '^(?=.*\\S)[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]{1,200}$';

/** The methods a plugin may be allowed, stored upper-case. `*` is not a method. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Compiles one of the patterns above the way ajv does (`u` flag). */
export function matches(pattern: string, value: string): boolean {
  return new RegExp(pattern, 'u').test(value);
}

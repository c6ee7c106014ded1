/**
 * The validated configuration model: what `plugins.yaml` and `grants.yaml` mean after the
 * schema and the semantic checks have passed. See docs/contracts.md for the file formats.
 */

export interface ApiPermission {
  /** Upper-case HTTP method. */
  method: string;
  /** Path template: `/api/orders`, `/api/orders/{id}` or the prefix form `/api/catalog/**`. */
  path: string;
}

export interface RouteConfig {
  path: string;
  component: string;
  /** PDP hint: the resource/action a user must be granted to see this route. */
  resource: string;
  action: string;
}

export interface WidgetConfig {
  slot: string;
  component: string;
  resource: string;
  action: string;
}

export interface BundleConfig {
  /** Absolute path under the bundle mount (default `/app/plugins`), inside `<mount>/<id>/`. */
  file?: string;
  /** Development mode only: a plugin author's dev server (`http://localhost:<port>/...`). */
  url?: string;
  /** `sha256:<64 hex>`; when set, the BFF refuses to serve bytes that do not match. */
  integrity?: string;
  /**
   * True when the file says `integrity: none`: the operator chose to serve these bytes without a
   * check (then `integrity` is unset). Production requires a pin or this opt-out.
   */
  unverified?: true;
}

export interface RateLimitConfig {
  /** Sustained requests per second allowed for one plugin in one tenant. */
  requestsPerSecond: number;
  /** Extra requests allowed in a burst above the sustained rate. */
  burst: number;
}

export interface PluginConfig {
  id: string;
  version: string;
  engine: { experience: string };
  bundle: BundleConfig;
  permissions: { api: ApiPermission[]; sse: string[] };
  contributions: { routes: RouteConfig[]; widgets: WidgetConfig[] };
  rateLimit?: RateLimitConfig;
  /** The kill switch: set when the operator turned the plugin off for this tenant (`disabled.reason`). */
  disabled?: { reason: string };
}

/** A further upstream service for plugin API calls under a path prefix (longest prefix wins). */
export interface UpstreamRoute {
  prefix: string;
  url: string;
  /** Forward the session's access token as `Authorization: Bearer` (set only when true). */
  forwardAccessToken?: true;
}

export interface PluginsConfig {
  /** Tenant host (lower-case, no port) -> its plugins, in file order. */
  tenants: Record<string, PluginConfig[]>;
  upstreams: UpstreamRoute[];
}

export interface Grant {
  resource: string;
  action: string;
}

export interface TenantGrants {
  roles: Record<string, Grant[]>;
  users: Record<string, Grant[]>;
}

export interface GrantsConfig {
  tenants: Record<string, TenantGrants>;
}

/** One problem found in a config file, located as precisely as the file allows. */
export interface ConfigIssue {
  /** Stable code, e.g. `schema`, `duplicate_plugin_id`, `bundle_outside_root`. */
  code: string;
  file: string;
  /** 1-based; 0 when the problem has no position (e.g. the file is empty). */
  line: number;
  col: number;
  /** Dotted path of the field, e.g. `tenants.localhost[1].permissions.api[0].path`. */
  path: string;
  message: string;
}

export type Mode = 'development' | 'production' | 'test';

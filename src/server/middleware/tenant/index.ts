import { InputError, NotFoundError } from '../../errors.js';
import { snapshotOf, type BffContext, type BffMiddleware } from '../../state.js';
import { requestHost, type HostOptions } from './host.js';

export { parseHost, requestHost, type HostOptions, type ParsedHost } from './host.js';

export type TenantOptions = HostOptions;

/**
 * Refuses (400 `malformed_request`) any request whose Host, or trusted X-Forwarded-Host, is
 * not one `host[:port]`, on every route: also those that resolve no tenant.
 */
export function createHostCheck(options: HostOptions): BffMiddleware {
  return function hostCheck(ctx, next) {
    requestHost(ctx.req, options);
    return next();
  };
}

/** Resolves ctx.state.tenant from the host; a malformed host is a 400, one that is not a tenant a 404. */
export function createTenant(options: TenantOptions): BffMiddleware {
  return async function tenant(ctx, next) {
    resolveTenant(ctx, options);
    await next();
  };
}

/** The synchronous core of the tenant middleware (composed directly on the plugin-call path). */
export function resolveTenant(ctx: BffContext, options: TenantOptions): void {
  const host = requestHost(ctx.req, options);
  // Only HTTP/1.0 may omit the host; a tenant route cannot be answered without one.
  if (host === undefined) throw new InputError('malformed_request', 'Malformed Host header');
  const { config } = snapshotOf(ctx);
  if (!Object.hasOwn(config.tenants, host.name)) throw new NotFoundError('unknown_tenant', 'No such site');
  ctx.state.tenant = host.name;
}

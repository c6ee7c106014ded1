import { NotFoundError } from '../../errors.js';
import { snapshotOf, type BffContext, type BffMiddleware } from '../../state.js';
import { firstForwarded, tenantFromHost } from './host.js';

export { tenantFromHost } from './host.js';

export interface TenantOptions {
  /** Read X-Forwarded-Host (first value) instead of Host: only behind a proxy that sets it. */
  trustProxy: boolean;
}

/** Resolves ctx.state.tenant from the host; a host that is not a tenant is a 404. */
export function createTenant(options: TenantOptions): BffMiddleware {
  return async function tenant(ctx, next) {
    resolveTenant(ctx, options);
    await next();
  };
}

/** The synchronous core of the tenant middleware (composed directly on the plugin-call path). */
export function resolveTenant(ctx: BffContext, options: TenantOptions): void {
  const header = options.trustProxy
    ? (firstForwarded(ctx.req.headers['x-forwarded-host']) ?? ctx.req.headers.host)
    : ctx.req.headers.host;
  const host = tenantFromHost(header);
  const { config } = snapshotOf(ctx);
  if (host === undefined || !Object.hasOwn(config.tenants, host)) {
    throw new NotFoundError('unknown_tenant', 'No such site');
  }
  ctx.state.tenant = host;
}

import { InputError, NotFoundError } from '../../errors.js';
import type { GuardStep } from '../../pipeline/index.js';
import type { BffContext, BffMiddleware } from '../../state.js';
import { snapshotOf } from '../snapshot/index.js';
import { requestHost, type HostOptions, type ParsedHost } from './host.js';

export { parseHost, requestHost, type HostOptions, type ParsedHost } from './host.js';

declare module '../../state.js' {
  interface BffState {
    /** The tenant host this request is for (the tenant step). */
    tenant?: string;
    /** The request's host as the Host check read it, and with which trustProxy (the tenant step reuses it). */
    checkedHost?: { trustProxy: boolean; host: ParsedHost | undefined };
  }
}

export type TenantOptions = HostOptions;

/**
 * Refuses (400 `malformed_request`) any request whose Host, or trusted X-Forwarded-Host, is
 * not one `host[:port]`, on every route: also those that resolve no tenant.
 */
export function createHostCheck(options: HostOptions): BffMiddleware {
  return function hostCheck(ctx, next) {
    ctx.state.checkedHost = { trustProxy: options.trustProxy, host: requestHost(ctx.req, options) };
    return next();
  };
}

/** The tenant step: ctx.state.tenant from the host; a malformed host is a 400, one that is not a tenant a 404. */
export function tenantStep(options: TenantOptions): GuardStep {
  return {
    name: 'tenant',
    needs: ['snapshot'],
    sets: ['tenant'],
    run(ctx) {
      // Read once per request: the Host check before the routes read it with the same options.
      const checked = ctx.state.checkedHost;
      const host = checked !== undefined && checked.trustProxy === options.trustProxy ? checked.host : requestHost(ctx.req, options);
      // Only HTTP/1.0 may omit the host; a tenant route cannot be answered without one.
      if (host === undefined) throw new InputError('malformed_request', 'Malformed Host header');
      const { config } = snapshotOf(ctx);
      if (!Object.hasOwn(config.tenants, host.name)) throw new NotFoundError('unknown_tenant', 'No such site');
      ctx.state.tenant = host.name;
    },
  };
}

export function tenantOf(ctx: BffContext): string {
  const tenant = ctx.state.tenant;
  if (!tenant) throw new Error('the tenant step did not run');
  return tenant;
}

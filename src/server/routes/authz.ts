import { readJsonFields } from '../body.js';
import type { AppDeps } from '../deps.js';
import { callerOf } from '../decisions.js';
import { InputError } from '../errors.js';
import { pluginIdHeader } from '../middleware/plugin-guard/index.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

const FIELD = /^[A-Za-z0-9._:*-]{1,200}$/;

/** `POST /api/authz/evaluate` `{resource, action}`: the PDP decision for the session user. */
export function authzRoute(_deps: AppDeps): BffMiddleware {
  return async function authz(ctx) {
    ctx.state.log.route = 'authz';
    const plugin = pluginIdHeader(ctx);
    if (plugin !== undefined && /^[A-Za-z0-9._-]{1,128}$/.test(plugin)) ctx.state.log.plugin = plugin;
    const { resource, action } = await readJsonFields(ctx.req, 4096);
    if (typeof resource !== 'string' || typeof action !== 'string' || !FIELD.test(resource) || !FIELD.test(action)) {
      throw new InputError('invalid_body', 'Expected {"resource": "...", "action": "..."}');
    }
    const session = sessionOf(ctx);
    const decision = snapshotOf(ctx).engine.authz({ tenant: tenantOf(ctx), subject: { id: session.user, roles: session.roles }, resource, action }, callerOf(ctx));
    ctx.state.log.decision = decision.allow ? 'allow' : 'deny';
    ctx.state.log.reason = decision.reason;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { allow: decision.allow === true, reason: decision.reason };
  };
}

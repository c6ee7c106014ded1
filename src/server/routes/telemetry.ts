import { readJsonFields } from '../body.js';
import type { AppDeps } from '../deps.js';
import { callerOf, contributionsFor } from '../decisions.js';
import { InputError, UnavailableError } from '../errors.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

const MAX_BODY = 64 * 1024;
const MAX_EVENTS = 100;
const KINDS = new Set(['log', 'metric', 'event']);
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

interface TelemetryEvent {
  plugin: string;
  kind: string;
  level?: string;
  name: string;
  message?: string;
  data?: Record<string, unknown>;
  ts: string;
}

function isEvent(value: unknown): value is TelemetryEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.plugin === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(e.plugin) &&
    typeof e.kind === 'string' && KINDS.has(e.kind) &&
    (e.level === undefined || (typeof e.level === 'string' && LEVELS.has(e.level))) &&
    typeof e.name === 'string' && e.name.length >= 1 && e.name.length <= 200 &&
    (e.message === undefined || (typeof e.message === 'string' && e.message.length <= 4000)) &&
    (e.data === undefined || (typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data))) &&
    typeof e.ts === 'string' && e.ts.length <= 40
  );
}

/**
 * `POST /api/telemetry`: the SDK's logs, metrics and events, one JSON log line each. The
 * `plugin` an event names is the page's claim: only plugins the policy serves this user (the
 * contributions decision behind the manifests) are logged under it, so a disabled or withdrawn
 * plugin, or a script naming another one, cannot write lines in a plugin's name. The rest are
 * dropped and counted in one line.
 */
export function telemetryRoute(deps: AppDeps): BffMiddleware {
  const logger = deps.logger.child({ source: 'telemetry' });
  return async function telemetry(ctx) {
    ctx.state.log.route = 'telemetry';
    const { events } = await readJsonFields(ctx.req, MAX_BODY);
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS || !events.every(isEvent)) {
      throw new InputError('invalid_body', `Expected {"events": [...]} with 1-${MAX_EVENTS} valid events`);
    }
    const tenant = tenantOf(ctx);
    const session = sessionOf(ctx);
    const decision = contributionsFor(snapshotOf(ctx), tenant, session, callerOf(ctx));
    if (decision.reason) {
      ctx.state.log.reason = decision.reason;
      throw new UnavailableError('decision_unavailable', 'Plugins could not be authorised');
    }
    const served = new Set(decision.plugins.map((p) => p.id));
    let dropped = 0;
    for (const e of events) {
      if (!served.has(e.plugin)) {
        dropped += 1;
        continue;
      }
      logger.info({ tenant, user: session.user, plugin: e.plugin, kind: e.kind, clientLevel: e.level, name: e.name, message: e.message, data: e.data, clientTs: e.ts }, 'telemetry');
    }
    if (dropped > 0) logger.info({ tenant, user: session.user, dropped }, 'telemetry: events naming a plugin this user is not served were dropped');
    ctx.status = 204;
  };
}

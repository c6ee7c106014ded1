import { readJsonFields } from '../body.js';
import type { AppDeps } from '../deps.js';
import { InputError } from '../errors.js';
import { sessionOf, tenantOf, type BffMiddleware } from '../state.js';

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

/** `POST /api/telemetry`: the SDK's logs, metrics and events, one JSON log line each. */
export function telemetryRoute(deps: AppDeps): BffMiddleware {
  const logger = deps.logger.child({ source: 'telemetry' });
  return async function telemetry(ctx) {
    ctx.state.log.route = 'telemetry';
    const { events } = await readJsonFields(ctx.req, MAX_BODY);
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS || !events.every(isEvent)) {
      throw new InputError('invalid_body', `Expected {"events": [...]} with 1-${MAX_EVENTS} valid events`);
    }
    const tenant = tenantOf(ctx);
    const { user } = sessionOf(ctx);
    for (const e of events) {
      logger.info({ tenant, user, plugin: e.plugin, kind: e.kind, clientLevel: e.level, name: e.name, message: e.message, data: e.data, clientTs: e.ts }, 'telemetry');
    }
    ctx.status = 204;
  };
}

import { createBearerCheck } from '../auth/bearer.js';
import { readJsonFields } from '../body.js';
import type { AppDeps } from '../deps.js';
import { isEngineFailure } from '../../engine/index.js';
import { pluginLabel } from '../decisions.js';
import { InputError, NotAllowedError, TooManyRequestsError, UnauthenticatedError, UnavailableError } from '../errors.js';
import { isTopic, parseTopicsQuery } from '../events/topics.js';
import { pluginIdHeader } from '../middleware/plugin-guard/index.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

/**
 * `GET /events/stream?topics=a,b` with X-Plugin-Id: every topic, exactly as sent, is judged by
 * the engine's `sse` decision before the first byte; one denied topic is a 403 and no stream opens.
 */
export function streamRoute(deps: AppDeps): BffMiddleware {
  return async function stream(ctx) {
    ctx.state.log.route = 'events_stream';
    const tenant = tenantOf(ctx);
    const session = sessionOf(ctx);
    const snapshot = snapshotOf(ctx);
    const plugin = pluginIdHeader(ctx);
    const query = parseTopicsQuery(ctx.querystring);
    if (!query.ok) {
      throw query.code === 'invalid_topic'
        ? new InputError('invalid_topic', 'A requested topic is not dot-separated words of [A-Za-z0-9_-]')
        : new InputError('invalid_topics', 'Expected topics=<topic>[,<topic>...]: 1 to 20 distinct topics, nothing else');
    }
    const { topics } = query;
    for (const topic of topics) {
      const decision = snapshot.engine.sse({ tenant, plugin_id: plugin ?? null, topic });
      if (decision.allow) continue;
      const label = pluginLabel(decision.reason, plugin);
      deps.metrics.sseDenied.inc({ tenant, plugin: label, reason: decision.reason });
      ctx.state.log.plugin = label === 'unknown' ? undefined : label;
      ctx.state.log.decision = 'deny';
      ctx.state.log.reason = decision.reason;
      if (decision.reason === 'missing_plugin_id') throw new NotAllowedError('missing_plugin_id', 'Streams must carry X-Plugin-Id');
      if (isEngineFailure(decision.reason)) throw new UnavailableError('decision_unavailable', 'The stream could not be authorised');
      throw new NotAllowedError('topic_not_allowed', 'This plugin may not subscribe to a requested topic');
    }
    // Allowed topics mean the engine knows this plugin.
    const id = plugin as string;
    ctx.state.log.plugin = id;
    ctx.state.log.decision = 'allow';
    ctx.state.log.reason = 'allowed';
    if (deps.streams.count(session.sid, id) >= deps.settings.sseMaxStreams) {
      throw new TooManyRequestsError('too_many_streams', 'Too many open streams for this plugin', 5);
    }
    // As sent: the hub resumes from an id it issued, and answers any other with `event: reset`.
    const lastEventId = ctx.get('Last-Event-ID') || undefined;
    ctx.respond = false;
    let opened: boolean;
    try {
      opened = await deps.streams.open({ req: ctx.req, res: ctx.res, tenant, plugin: id, sid: session.sid, topics, lastEventId, snapshot });
    } catch (error) {
      // Nothing was written (the event store is unavailable): the error handler answers.
      ctx.respond = true;
      throw error;
    }
    if (!opened) {
      ctx.respond = true;
      throw new NotAllowedError('topic_not_allowed', 'This plugin may not subscribe to a requested topic');
    }
  };
}

/**
 * `POST /events/publish` (Bearer PUBLISH_TOKEN) `{tenant, topic, data}` -> 202 `{id}`: how services
 * hand events to the BFF. Only registered when a token is configured. 503
 * `event_store_unavailable` when the shared event store (Redis) cannot take the event.
 */
export function publishRoute(deps: AppDeps, token: string): BffMiddleware {
  const valid = createBearerCheck(token);
  return async function publish(ctx) {
    ctx.state.log.route = 'events_publish';
    if (!valid(ctx.get('Authorization'))) throw new UnauthenticatedError('invalid_token', 'A valid publish token is required');
    const { tenant, topic, data } = await readJsonFields(ctx.req, 64 * 1024);
    if (typeof tenant !== 'string' || !Object.hasOwn(deps.source.current().config.tenants, tenant)) throw new InputError('unknown_tenant', 'Unknown tenant');
    if (!isTopic(topic)) throw new InputError('invalid_topic', 'Invalid topic');
    const event = await deps.hub.publish({ tenant, topic, data: data ?? null });
    deps.metrics.sseEvents.inc({ tenant });
    ctx.state.tenant = tenant;
    ctx.status = 202;
    ctx.body = { id: event.id };
  };
}

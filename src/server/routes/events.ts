import { createBearerCheck } from '../auth/bearer.js';
import { readJsonFields } from '../body.js';
import type { AppDeps } from '../deps.js';
import { callerOf, pluginLabel, refusalOf } from '../decisions.js';
import type { ReasonClass } from '../../engine/catalogue.js';
import type { DecisionCaller, DecisionEngine } from '../../engine/types.js';
import { InputError, TooManyRequestsError, UnauthenticatedError } from '../errors.js';
import { isTopic, parseTopicsQuery } from '../events/topics.js';
import type { BffMetrics } from '../metrics/index.js';
import { pluginIdHeader, pluginOf, recognisedPlugin } from '../middleware/plugin-guard/index.js';
import type { GuardStep } from '../pipeline/index.js';
import { sessionOf, snapshotOf, tenantOf, type BffContext, type BffMiddleware } from '../state.js';

declare module '../state.js' {
  interface BffState {
    /** The topics of `GET /events/stream`, every one allowed for ctx.state.plugin (the topic guard). */
    topics?: readonly string[];
  }
}

interface TopicsVerdict {
  allow: boolean;
  /** The first denied topic's reason, or (all allowed) the first topic's. */
  reason: string;
  known: ReasonClass | undefined;
}

/** The engine's `sse` decision on every topic: denied at the first topic it denies. */
function judgeTopics(engine: DecisionEngine, tenant: string, plugin: string | undefined, topics: readonly string[], caller: DecisionCaller): TopicsVerdict {
  let verdict: TopicsVerdict | undefined;
  for (const topic of topics) {
    const decision = engine.sse({ tenant, plugin_id: plugin ?? null, topic }, caller);
    if (!decision.allow || !verdict) verdict = { allow: decision.allow, reason: decision.reason, known: engine.reasons.sse.get(decision.reason) };
    if (!decision.allow) break;
  }
  if (!verdict) throw new Error('no topics to judge');
  return verdict;
}

function topicsOf(ctx: BffContext): readonly string[] {
  const topics = ctx.state.topics;
  if (!topics) throw new Error('the topic guard did not run');
  return topics;
}

/**
 * The topic guard step of `GET /events/stream?topics=a,b` with X-Plugin-Id: every topic, exactly
 * as sent, is judged by the engine's `sse` decision before the first byte; the first denied one
 * refuses the stream as its reason catalogue says. When all are allowed it sets
 * `ctx.state.plugin` (the policy allowed that id) and `ctx.state.topics`.
 */
export function topicGuardStep(options: { metrics: BffMetrics }): GuardStep {
  const { metrics } = options;
  return {
    name: 'topic-guard',
    needs: ['snapshot', 'tenant'],
    sets: ['plugin', 'topics'],
    run(ctx) {
      ctx.state.log.route = 'events_stream';
      const tenant = tenantOf(ctx);
      const { engine } = snapshotOf(ctx);
      const plugin = pluginIdHeader(ctx);
      const query = parseTopicsQuery(ctx.querystring);
      // Only the framing is the HTTP layer's; what a topic may be is the policy's (malformed_topic).
      if (!query.ok) throw new InputError('invalid_topics', 'Expected topics=<topic>[,<topic>...]: 1 to 20 distinct topics of at most 200 bytes, nothing else');
      const { log } = ctx.state;
      const verdict = judgeTopics(engine, tenant, plugin, query.topics, callerOf(ctx));
      log.reason = verdict.reason;
      if (!verdict.allow) {
        const label = pluginLabel(verdict.known, plugin);
        metrics.sseDenied.inc({ tenant, plugin: label, reason: verdict.reason });
        log.plugin = label === 'unknown' ? undefined : label;
        log.decision = 'deny';
        throw refusalOf(verdict.known, 'The stream could not be authorised');
      }
      // Every topic allowed: the policy recognised this plugin.
      const allowed = recognisedPlugin(plugin as string);
      log.plugin = allowed;
      log.decision = 'allow';
      ctx.state.plugin = allowed;
      ctx.state.topics = query.topics;
    },
  };
}

/**
 * `GET /events/stream` once the topic guard allowed every topic: at most SSE_MAX_STREAMS per
 * session and plugin, then the stream (a reload since the topics were checked may still refuse it).
 */
export function streamRoute(deps: AppDeps): BffMiddleware {
  return async function stream(ctx) {
    const tenant = tenantOf(ctx);
    const session = sessionOf(ctx);
    const snapshot = snapshotOf(ctx);
    const plugin = pluginOf(ctx);
    const topics = [...topicsOf(ctx)];
    if (deps.streams.count(session.sid, plugin) >= deps.settings.sseMaxStreams) {
      throw new TooManyRequestsError('too_many_streams', 'Too many open streams for this plugin', 5);
    }
    // As sent: the hub resumes from an id it issued, and answers any other with `event: reset`.
    const lastEventId = ctx.get('Last-Event-ID') || undefined;
    ctx.respond = false;
    let opened: boolean;
    try {
      opened = await deps.streams.open({ req: ctx.req, res: ctx.res, tenant, plugin, sid: session.sid, topics, lastEventId, snapshot });
    } catch (error) {
      // Nothing was written (the event store is unavailable): the error handler answers.
      ctx.respond = true;
      throw error;
    }
    if (!opened) {
      ctx.respond = true;
      // A reload withdrew a topic between the guard and the stream: refused as the new policy says.
      const now = judgeTopics(deps.source.current().engine, tenant, plugin, topics, callerOf(ctx));
      ctx.state.log.decision = 'deny';
      ctx.state.log.reason = now.reason;
      throw refusalOf(now.allow ? undefined : now.known, 'The stream could not be authorised');
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

/**
 * Prometheus metrics on a per-app Registry (never the global one), so tests can build several
 * apps in one process. Label values are bounded: tenants come from config, plugin ids are
 * only used as labels once the policy recognised them ("unknown" otherwise). The counters of
 * BffMetrics are TalliedCounters: an increment on the request path is an addition, not a label hash.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SnapshotSource } from '../../engine/state.js';
import { TalliedCounter } from './tallied-counter.js';

export interface BffMetrics {
  readonly registry: Registry;
  readonly httpRequests: TalliedCounter<'route' | 'status' | 'outcome'>;
  readonly httpDuration: Histogram<'route'>;
  readonly pluginRequests: TalliedCounter<'tenant' | 'plugin' | 'decision' | 'reason'>;
  readonly rateLimited: TalliedCounter<'tenant' | 'plugin'>;
  readonly integrityFailures: TalliedCounter<'tenant' | 'plugin'>;
  readonly sseStreams: Gauge<'tenant' | 'plugin'>;
  readonly sseDenied: TalliedCounter<'tenant' | 'plugin' | 'reason'>;
  readonly sseEvents: TalliedCounter<'tenant'>;
  readonly sseDelivered: TalliedCounter<'tenant' | 'plugin'>;
  readonly sseRevoked: TalliedCounter<'tenant' | 'plugin'>;
  readonly sseResets: TalliedCounter<'tenant' | 'reason'>;
  readonly authEvents: TalliedCounter<'tenant' | 'event' | 'outcome'>;
  readonly decisionLogDropped: TalliedCounter<'reason'>;
  readonly decisionLogSent: TalliedCounter;
  readonly decisionLogFailed: TalliedCounter;
}

export interface MetricsOptions {
  defaultMetrics?: boolean;
  /** Decision-log records waiting for the sink (the gauge reads it at each scrape). */
  decisionLogBuffered?: () => number;
}

export function createMetrics(source: SnapshotSource, options: MetricsOptions = {}): BffMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'experience_bff_' });

  new Gauge({
    name: 'experience_config_revision',
    help: 'Id of the config and policy snapshot serving requests (increments on every reload that changed either)',
    registers,
    collect() {
      this.set(source.status().revision.id);
    },
  });
  new Gauge({
    name: 'experience_config_last_reload_ok',
    help: '1 when the most recent load or reload succeeded, 0 when it failed (the last good state keeps serving)',
    registers,
    collect() {
      this.set(source.status().last.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'experience_config_reload_failures',
    help: 'Failed reload attempts since the process started',
    registers,
    collect() {
      this.set(source.status().failures);
    },
  });

  bundleMetrics(source, registers);

  const buffered = options.decisionLogBuffered;
  new Gauge({
    name: 'experience_decision_log_buffered',
    help: 'Decision-log events waiting for the sink (0 with DECISION_LOG=off)',
    registers,
    collect() {
      this.set(buffered?.() ?? 0);
    },
  });

  const metrics: BffMetrics = {
    registry,
    httpRequests: new TalliedCounter({
      name: 'experience_http_requests_total',
      help: 'HTTP requests by route, status of the response head (0: none sent) and outcome (completed, or who cut the response)',
      labelNames: ['route', 'status', 'outcome'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'experience_http_request_duration_seconds',
      help: 'HTTP request duration by route (streams: until closed)',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    pluginRequests: new TalliedCounter({
      name: 'experience_plugin_requests_total',
      help: 'Plugin API calls judged by the policy, by decision (allowed/denied) and reason',
      labelNames: ['tenant', 'plugin', 'decision', 'reason'],
      registers,
    }),
    rateLimited: new TalliedCounter({
      name: 'experience_plugin_rate_limited_total',
      help: 'Plugin API calls refused with 429 by the rate limiter',
      labelNames: ['tenant', 'plugin'],
      registers,
    }),
    integrityFailures: new TalliedCounter({
      name: 'experience_bundle_integrity_failures_total',
      help: 'Bundle fetches refused with 409 because the bytes did not match bundle.integrity',
      labelNames: ['tenant', 'plugin'],
      registers,
    }),
    sseStreams: new Gauge({
      name: 'experience_sse_streams_open',
      help: 'Open SSE streams',
      labelNames: ['tenant', 'plugin'],
      registers,
    }),
    sseDenied: new TalliedCounter({
      name: 'experience_sse_denied_total',
      help: 'SSE stream requests refused before the stream opened',
      labelNames: ['tenant', 'plugin', 'reason'],
      registers,
    }),
    sseEvents: new TalliedCounter({
      name: 'experience_sse_events_published_total',
      help: 'Events accepted by the publish endpoint',
      labelNames: ['tenant'],
      registers,
    }),
    sseDelivered: new TalliedCounter({
      name: 'experience_sse_events_delivered_total',
      help: 'Events written to SSE streams',
      labelNames: ['tenant', 'plugin'],
      registers,
    }),
    sseRevoked: new TalliedCounter({
      name: 'experience_sse_streams_revoked_total',
      help: 'SSE streams closed because a reload withdrew their permission',
      labelNames: ['tenant', 'plugin'],
      registers,
    }),
    sseResets: new TalliedCounter({
      name: 'experience_sse_resets_total',
      help: 'event: reset frames written to SSE streams, by reason (expired, unknown, gap): the client missed events',
      labelNames: ['tenant', 'reason'],
      registers,
    }),
    authEvents: new TalliedCounter({
      name: 'experience_auth_events_total',
      help: 'Sign-in, callback, back-channel logout and token refresh attempts by outcome (ok, or the error code)',
      labelNames: ['tenant', 'event', 'outcome'],
      registers,
    }),
    decisionLogDropped: new TalliedCounter({
      name: 'experience_decision_log_dropped_total',
      help: 'Decision-log events lost: the buffer was full (the sink behind or failing), or still held at shutdown',
      labelNames: ['reason'],
      registers,
    }),
    decisionLogSent: new TalliedCounter({
      name: 'experience_decision_log_sent_total',
      help: 'Decision-log events the sink accepted',
      registers,
    }),
    decisionLogFailed: new TalliedCounter({
      name: 'experience_decision_log_failed_total',
      help: 'Decision-log sink writes (batches) that failed; each is retried with a growing delay',
      registers,
    }),
  };
  // Shown at 0 from the start, so an alert on them has a series before the first drop.
  for (const reason of ['buffer_full', 'shutdown']) metrics.decisionLogDropped.inc({ reason }, 0);
  return metrics;
}

/** With a policy bundle: its refusals by code and the time it last passed every check, read from the source (no series without one). */
function bundleMetrics(source: SnapshotSource, registers: Registry[]): void {
  new Counter({
    name: 'experience_policy_bundle_refused_total',
    help: 'Policy bundles refused (unsigned, tampered, wrongly signed, invalid) or not obtained (unreadable), by code',
    labelNames: ['code'],
    registers,
    collect() {
      this.reset();
      for (const [code, count] of Object.entries(source.status().bundle?.refused ?? {})) this.inc({ code }, count);
    },
  });
  new Gauge({
    name: 'experience_policy_bundle_last_success_timestamp_seconds',
    help: 'Unix time a policy bundle last passed every check (signature, files, format), by source (file or url)',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      const bundle = source.status().bundle;
      if (bundle?.lastSuccessAt) this.set({ source: bundle.source }, Date.parse(bundle.lastSuccessAt) / 1000);
    },
  });
}

export { createMetricsApp, type MetricsAppOptions } from './app.js';
export { TalliedCounter } from './tallied-counter.js';

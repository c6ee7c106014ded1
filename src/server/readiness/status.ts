/**
 * What a replica says about its readiness: the detailed status for operators (issues, refused
 * bundles, the disabled plugins of every tenant and why, the shared store's state) and the
 * subset the public app may answer to anyone on any tenant's Host. One shaping, two views.
 */
import path from 'node:path';
import type { ConfigIssue } from '../../config/types.js';
import type { ReloadStatus, Snapshot, SnapshotSource } from '../../engine/state.js';
import { disabledOf } from '../kill-switch/index.js';
import type { RedisConnection } from '../redis/index.js';

/** What the readiness status is built from (AppDeps has all of it). */
export interface ReadinessDeps {
  readonly source: Pick<SnapshotSource, 'status' | 'current'>;
  /** `draining` from the start of a graceful stop: 503 then. */
  readonly lifecycle: { readonly draining: boolean };
  /** The Redis the replicas share; undefined: state in this process (no `stores`). */
  readonly redis: Pick<RedisConnection, 'state' | 'since'> | undefined;
}

/** The body of a 503: draining (a graceful stop began) or nothing loaded. */
export type NotReady = { readonly ready: false; readonly draining?: true };

/** An HTTP status and the JSON body to answer with. */
export type Readiness<Ready> = { readonly status: 200; readonly body: Ready } | { readonly status: 503; readonly body: NotReady };

/** The operators' body of a ready replica. */
export type DetailedReady = ReturnType<typeof readyBody>;

/** The public body of a ready replica: the revision's digests and ids, whether the last reload worked. */
export interface PublicReady {
  readonly ready: true;
  readonly revision: DetailedReady['revision'];
  readonly lastReload: { readonly ok: boolean; readonly at: string };
}

const MAX_ISSUES = 20;
const MAX_MESSAGE = 300;
const MAX_NOTICES = 100;

/** An issue as shown: the file's name only (never a path, not even the configured one), the message bounded. */
function shownIssue(issue: ConfigIssue) {
  const message = issue.message.length > MAX_MESSAGE ? `${issue.message.slice(0, MAX_MESSAGE - 1)}…` : issue.message;
  return { code: issue.code, file: path.basename(issue.file), line: issue.line, col: issue.col, path: issue.path, message };
}

/** The serving config's disabled plugins (bounded; the reason is at most 200 characters). */
function notices(config: Parameters<typeof disabledOf>[0]) {
  const all = disabledOf(config);
  return {
    notices: all.slice(0, MAX_NOTICES).map((d) => ({ code: 'plugin_disabled', tenant: d.tenant, plugin: d.plugin, version: d.version, reason: d.reason })),
    ...(all.length > MAX_NOTICES ? { moreNotices: all.length - MAX_NOTICES } : {}),
  };
}

/**
 * The operators' view: 200 while a policy and config are loaded, with the serving revision,
 * whether the last reload failed (the last good state keeps serving) with each issue and its
 * message, the policy bundle's refusals by code, `stores.redis` with REDIS_URL, and `notices`
 * (a plugin the operator disabled, with tenant, id and reason: informational, never a reason to
 * be unready). 503 `{ready: false, draining: true}` once a graceful stop began; 503
 * `{ready: false}` when nothing is loaded. A Redis that is down does not make a replica unready:
 * it is down for every replica at once, and taking them all out would refuse the shell too.
 */
export function readinessOf(deps: ReadinessDeps): Readiness<DetailedReady> {
  const now = loadedState(deps);
  if ('body' in now) return now;
  return { status: 200, body: readyBody(now.status, now.snapshot.config, deps.redis) };
}

/** What serves, or the 503 when nothing does (draining, or nothing loaded). */
function loadedState(deps: ReadinessDeps): { status: ReloadStatus; snapshot: Snapshot } | { status: 503; body: NotReady } {
  if (deps.lifecycle.draining) return { status: 503, body: { ready: false, draining: true } };
  try {
    return { status: deps.source.status(), snapshot: deps.source.current() };
  } catch {
    return { status: 503, body: { ready: false } };
  }
}

/** The serving revision's ids and short digests, as both views show them. */
function revisionOf(revision: ReloadStatus['revision']) {
  return {
    id: revision.id,
    policy: revision.policy,
    ...(revision.bundle === undefined ? {} : { bundle: revision.bundle }),
    data: revision.data,
    config: revision.config,
    loadedAt: revision.loadedAt,
  };
}

function readyBody(status: ReloadStatus, config: Snapshot['config'], redis: ReadinessDeps['redis']) {
  const { revision, last, failures, bundle } = status;
  const issues = last.issues ?? [];
  return {
    ready: true as const,
    revision: revisionOf(revision),
    lastReload: {
      ok: last.ok,
      at: last.at,
      trigger: last.trigger,
      ...(last.ok
        ? // The config was taken, a policy bundle refused: the last good policy serves with it.
          last.policyRefused
          ? { policyRefused: last.policyRefused.slice(0, MAX_ISSUES).map(shownIssue) }
          : {}
        : {
            issues: issues.slice(0, MAX_ISSUES).map(shownIssue),
            ...(issues.length > MAX_ISSUES ? { moreIssues: issues.length - MAX_ISSUES } : {}),
          }),
    },
    reloadFailures: failures,
    // Codes and times only: a refusal's message is in the log (it may name the bundle server).
    ...(bundle
      ? {
          policyBundle: {
            source: bundle.source,
            signed: bundle.signed,
            ...(bundle.revision === undefined ? {} : { revision: bundle.revision }),
            ...(bundle.lastSuccessAt ? { lastSuccessAt: bundle.lastSuccessAt } : {}),
            refused: bundle.refused,
            ...(bundle.lastRefusal ? { lastRefusal: { at: bundle.lastRefusal.at, code: bundle.lastRefusal.code } } : {}),
          },
        }
      : {}),
    ...(redis ? { stores: { redis: { state: redis.state, since: new Date(redis.since).toISOString() } } } : {}),
    // Informational, not a failure: what the operator turned off (plugins.yaml disabled), and why.
    ...notices(config),
  };
}

/**
 * The public view: what a load balancer or an uptime check needs (the status code, the serving
 * revision's digests and ids, whether the last reload worked) and nothing about any tenant or
 * the operator's config. The public app answers anyone, on any tenant's Host: the rest is on the
 * operators' listener. Built from the same state as {@link readinessOf}, field by field (an
 * allowlist, so a field added to the operators' view never appears here by accident), and
 * without the operators' body: a load balancer polls it every few seconds, and the notices scan
 * every tenant's plugins.
 */
export function publicReadiness(deps: ReadinessDeps): Readiness<PublicReady> {
  const now = loadedState(deps);
  if ('body' in now) return now;
  const { revision, last } = now.status;
  return { status: 200, body: { ready: true, revision: revisionOf(revision), lastReload: { ok: last.ok, at: last.at } } };
}

import path from 'node:path';
import type { ConfigIssue } from '../../config/types.js';
import type { AppDeps } from '../deps.js';
import { disabledOf } from '../kill-switch/index.js';
import type { BffMiddleware } from '../state.js';

/** `GET /healthz`: the process is up. */
export function healthzRoute(): BffMiddleware {
  return async function healthz(ctx) {
    ctx.state.log.route = 'healthz';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  };
}

const MAX_ISSUES = 20;
const MAX_MESSAGE = 300;

/** An issue as /readyz shows it: the file's name only (this route is public), the message bounded. */
function shownIssue(issue: ConfigIssue) {
  const message = issue.message.length > MAX_MESSAGE ? `${issue.message.slice(0, MAX_MESSAGE - 1)}…` : issue.message;
  return { code: issue.code, file: path.basename(issue.file), line: issue.line, col: issue.col, path: issue.path, message };
}

const MAX_NOTICES = 100;

/** The serving config's disabled plugins as /readyz lists them (bounded; the reason is at most 200 characters). */
function notices(config: Parameters<typeof disabledOf>[0]) {
  const all = disabledOf(config);
  return {
    notices: all.slice(0, MAX_NOTICES).map((d) => ({ code: 'plugin_disabled', tenant: d.tenant, plugin: d.plugin, version: d.version, reason: d.reason })),
    ...(all.length > MAX_NOTICES ? { moreNotices: all.length - MAX_NOTICES } : {}),
  };
}

/**
 * `GET /readyz`: 200 while a policy and config are loaded, with the serving revision and
 * whether the last reload failed (the last good state keeps serving), with each issue and its
 * message, and `notices`: informational items (a plugin the operator disabled, with tenant, id and
 * reason), never a reason to be unready. Files by name only, never a path: not even the one the operator configured.
 * 503 `{ready: false, draining: true}` once a graceful stop began, so a load balancer sends
 * nothing new. With REDIS_URL, `stores.redis` says whether the shared store answers; a Redis
 * that is down does not make a replica unready: it is down for every replica at once, and
 * taking them all out would refuse the shell and sign-in pages too, not only what needs a session.
 */
export function readyzRoute(deps: AppDeps): BffMiddleware {
  return async function readyz(ctx) {
    ctx.state.log.route = 'readyz';
    ctx.set('Cache-Control', 'no-store');
    if (deps.lifecycle.draining) {
      ctx.status = 503;
      ctx.body = { ready: false, draining: true };
      return;
    }
    let status;
    let snapshot;
    try {
      status = deps.source.status();
      snapshot = deps.source.current();
    } catch {
      ctx.status = 503;
      ctx.body = { ready: false };
      return;
    }
    const { revision, last, failures, bundle } = status;
    const issues = last.issues ?? [];
    ctx.body = {
      ready: true,
      revision: {
        id: revision.id,
        policy: revision.policy,
        ...(revision.bundle === undefined ? {} : { bundle: revision.bundle }),
        data: revision.data,
        config: revision.config,
        loadedAt: revision.loadedAt,
      },
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
      ...(deps.redis ? { stores: { redis: { state: deps.redis.state, since: new Date(deps.redis.since).toISOString() } } } : {}),
      // Informational, not a failure: what the operator turned off (plugins.yaml disabled), and why.
      ...notices(snapshot.config),
    };
  };
}

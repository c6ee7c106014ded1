/**
 * A plugin's limits, pins and kill switch between two configs: `rateLimit` (per plugin and
 * tenant), `bundle.integrity` and `disabled`. The first two are not policy questions (the policy
 * never sees them, docs/contracts.md); `disabled` is data the policy reads, and turning it off
 * serves again everything the plugin's lists allow, so it is a widening whatever they say. The
 * permission lists are compared in permission-diff.ts.
 */
import type { PluginConfig, RateLimitConfig } from '../../../config/index.js';
import type { Emit, Locate } from './change.js';

/** The rate limit and integrity findings for one plugin present in both configs. */
export function compareLimits(old: PluginConfig, now: PluginConfig, atOld: Locate, atNew: Locate, emit: Emit): void {
  compareRateLimit(old.rateLimit, now.rateLimit, atOld, atNew, emit);
  compareIntegrity(old, now, atOld, atNew, emit);
  compareDisabled(old, now, atOld, atNew, emit);
}

function compareDisabled(old: PluginConfig, now: PluginConfig, atOld: Locate, atNew: Locate, emit: Emit): void {
  if (old.disabled && !now.disabled) {
    emit({ kind: 'plugin', change: 'widened', widening: true, old: `disabled (${old.disabled.reason})`, new: 'enabled', note: 'enabled again: its bundle, calls, streams and contributions are served', location: atOld(['disabled']) });
  } else if (!old.disabled && now.disabled) {
    emit({ kind: 'plugin', change: 'narrowed', widening: false, old: 'enabled', new: `disabled (${now.disabled.reason})`, location: atNew(['disabled']) });
  }
}

const rate = (r: RateLimitConfig) => `${r.requestsPerSecond}/s burst ${r.burst}`;
/** Without `rateLimit` the server's RATE_LIMIT_RPS / RATE_LIMIT_BURST apply, which no file bounds. */
const DEFAULT = 'server default';
const UNBOUNDED = 'the server default (RATE_LIMIT_RPS, RATE_LIMIT_BURST) applies: the file no longer bounds it';

function compareRateLimit(old: RateLimitConfig | undefined, now: RateLimitConfig | undefined, atOld: Locate, atNew: Locate, emit: Emit): void {
  if (!old && !now) return;
  const location = now ? atNew(['rateLimit']) : atOld(['rateLimit']);
  if (!now) {
    emit({ kind: 'rateLimit', change: 'removed', widening: true, old: rate(old as RateLimitConfig), new: DEFAULT, note: UNBOUNDED, location });
    return;
  }
  if (!old) {
    // Fail closed: whether this is above the server default depends on the deployment's settings.
    emit({ kind: 'rateLimit', change: 'changed', widening: true, old: DEFAULT, new: rate(now), note: 'replaces the server default (RATE_LIMIT_RPS, RATE_LIMIT_BURST): compare it with the deployment\'s', location });
    return;
  }
  const raised = now.requestsPerSecond > old.requestsPerSecond || now.burst > old.burst;
  const lowered = now.requestsPerSecond < old.requestsPerSecond || now.burst < old.burst;
  if (raised) {
    const what = [now.requestsPerSecond > old.requestsPerSecond ? 'requestsPerSecond' : '', now.burst > old.burst ? 'burst' : ''].filter(Boolean).join(' and ');
    emit({ kind: 'rateLimit', change: 'widened', widening: true, old: rate(old), new: rate(now), note: `${what} raised: more calls reach the upstream`, location });
  } else if (lowered) {
    emit({ kind: 'rateLimit', change: 'narrowed', widening: false, old: rate(old), new: rate(now), location });
  }
}

/** How a bundle is pinned: a digest, an explicit opt-out, or not at all (refused in production). */
function pin(p: PluginConfig): string {
  if (p.bundle.integrity) return p.bundle.integrity;
  return p.bundle.unverified ? 'none' : 'unpinned';
}

function compareIntegrity(old: PluginConfig, now: PluginConfig, atOld: Locate, atNew: Locate, emit: Emit): void {
  const before = pin(old);
  const after = pin(now);
  if (before === after) return;
  const wasPinned = old.bundle.integrity !== undefined;
  const isPinned = now.bundle.integrity !== undefined;
  // Where the reviewer looks: the new file's integrity line, else the old one's (the pin that went away).
  const location = now.bundle.integrity !== undefined || now.bundle.unverified ? atNew(['bundle', 'integrity']) : atOld(['bundle', 'integrity']);
  if (wasPinned && !isPinned) {
    emit({ kind: 'integrity', change: 'removed', widening: true, old: before, new: after, note: 'the bundle is served unverified: whatever bytes are at its path run in every user\'s browser', location });
  } else if (!wasPinned && isPinned) {
    emit({ kind: 'integrity', change: 'narrowed', widening: false, old: before, new: after, note: 'the bundle is now pinned', location });
  } else if (wasPinned && isPinned) {
    const note = old.version === now.version ? `same version ${now.version}, other bytes` : `version ${old.version} -> ${now.version}`;
    emit({ kind: 'integrity', change: 'changed', widening: false, old: before, new: after, note, location });
  }
  // none <-> unpinned: served unverified either way (production refuses the latter at load).
}

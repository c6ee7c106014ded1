/**
 * `upstreams` between two plugins.yaml files: where plugin API calls under a path prefix are
 * proxied, and whether the session's access token goes with them. Any call that now goes to another
 * service (a prefix added, removed or pointed elsewhere), or carries the token where it did not, is
 * reviewed like a widened permission (exit 2): that service receives calls and identity headers it
 * did not receive before. Only a token no longer sent is a narrowing.
 */
import { formatPath, type UpstreamRoute } from '../../../config/index.js';
import type { DiffChange, Side } from './change.js';

const show = (u: UpstreamRoute) => `${u.prefix} -> ${u.url}${u.forwardAccessToken ? ' (access token)' : ''}`;

/** The upstream findings, keyed by prefix (the prefix is what a route is chosen by). */
export function diffUpstreams(before: Side, after: Side): DiffChange[] {
  const changes: DiffChange[] = [];
  const at = (side: Side, i: number, field?: string) => {
    const path = ['upstreams', i, ...(field ? [field] : [])];
    return { file: side.file, ...side.doc.locate(path), path: formatPath(path) };
  };
  const olds = before.config.upstreams;
  const news = after.config.upstreams;
  news.forEach((u, i) => {
    const o = olds.find((x) => x.prefix === u.prefix);
    if (!o) {
      changes.push({ kind: 'upstream', change: 'added', widening: true, new: show(u), note: `calls below ${u.prefix} now go to ${u.url}`, location: at(after, i) });
    } else if (o.url !== u.url) {
      changes.push({ kind: 'upstream', change: 'changed', widening: true, old: show(o), new: show(u), note: `calls below ${u.prefix} now go to another service`, location: at(after, i, 'url') });
    } else if (!o.forwardAccessToken && u.forwardAccessToken) {
      changes.push({ kind: 'upstream', change: 'widened', widening: true, old: show(o), new: show(u), note: `the session's access token is now sent to ${u.url}`, location: at(after, i, 'forwardAccessToken') });
    } else if (o.forwardAccessToken && !u.forwardAccessToken) {
      changes.push({ kind: 'upstream', change: 'narrowed', widening: false, old: show(o), new: show(u), note: 'the access token is no longer sent', location: at(after, i) });
    }
  });
  olds.forEach((o, i) => {
    if (news.some((u) => u.prefix === o.prefix)) return;
    // Its calls fall back to a shorter prefix's upstream or UPSTREAM_URL: a service that did not get them.
    changes.push({ kind: 'upstream', change: 'removed', widening: true, old: show(o), note: `calls below ${o.prefix} now go to the upstream of a shorter prefix, or UPSTREAM_URL`, location: at(before, i) });
  });
  return changes;
}

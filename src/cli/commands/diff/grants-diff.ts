/**
 * grants.yaml between two files, per tenant and per role or user: a grant that matches a
 * resource/action no grant of the same role or user matched before is a widening (whoever holds
 * that role, or is that user, may now see more); one no longer matched is a narrowing. Whether one
 * grant matches everything another matches ("*" or the same value) is the policy's answer
 * (experience/tooling/covers, relations.grant_covers).
 */
import { formatPath, type Grant, type TenantGrants } from '../../../config/index.js';
import { PolicyToolError, type PolicyTools } from '../../../engine/index.js';
import type { DiffChange, GrantsSide } from './change.js';

const show = (g: Grant) => `${g.resource}/${g.action}`;
const same = (a: Grant, b: Grant) => a.resource === b.resource && a.action === b.action;
const KINDS = [
  ['roles', 'role'],
  ['users', 'user'],
] as const;

/** The grant findings from `before` to `after`, tenant by tenant, role by role, then user by user. */
export function diffGrants(before: GrantsSide, after: GrantsSide, tools: PolicyTools): DiffChange[] {
  const changes: DiffChange[] = [];
  const tenants = union(Object.keys(before.config.tenants), Object.keys(after.config.tenants));
  for (const tenant of tenants) {
    const olds: Partial<TenantGrants> = before.config.tenants[tenant] ?? {};
    const news: Partial<TenantGrants> = after.config.tenants[tenant] ?? {};
    for (const [key, kind] of KINDS) {
      for (const name of union(Object.keys(olds[key] ?? {}), Object.keys(news[key] ?? {}))) {
        const at = (side: GrantsSide, i?: number) => {
          const path = ['tenants', tenant, key, name, ...(i === undefined ? [] : [i])];
          return { file: side.file, ...side.doc.locate(path), path: formatPath(path) };
        };
        const subject = `${kind} ${name}`;
        const compared = compare(olds[key]?.[name] ?? [], news[key]?.[name] ?? [], tools);
        for (const c of compared) {
          const location = c.side === 'new' ? at(after, c.index) : at(before, c.index);
          changes.push({ tenant, subject, kind: 'grant', change: c.change, widening: c.widening, ...c.text, location });
        }
      }
    }
  }
  return changes;
}

interface Compared {
  change: DiffChange['change'];
  widening: boolean;
  text: { old?: string; new?: string; note?: string };
  /** The file and grant index the finding points at. */
  side: 'old' | 'new';
  index: number;
}

/** One role's or user's grants, old against new, paired as permission-diff pairs allow-list entries. */
function compare(before: readonly Grant[], after: readonly Grant[], tools: PolicyTools): Compared[] {
  if (before.length === 0 && after.length === 0) return [];
  const oldCovers = pairs(tools, before, after);
  const newCovers = pairs(tools, after, before);
  const out: Compared[] = [];
  after.forEach((g, k) => {
    if (before.some((_, i) => oldCovers.has(`${i} ${k}`))) return;
    // Replacing a grant it covers (one gone from the new file), it widened that grant; else it is added.
    const from = before.find((o, i) => newCovers.has(`${k} ${i}`) && !after.some((n) => same(n, o)));
    const text = from ? { old: show(from), new: show(g), note: '"*" now matches more' } : { new: show(g) };
    out.push({ change: from ? 'widened' : 'added', widening: true, text, side: 'new', index: k });
  });
  before.forEach((o, i) => {
    if (after.some((_, k) => newCovers.has(`${k} ${i}`))) return;
    const to = after.flatMap((n, k) => (oldCovers.has(`${i} ${k}`) && !before.some((b) => same(b, n)) ? [k] : []));
    const text = to.length > 0 ? { old: show(o), new: to.map((k) => show(after[k] as Grant)).join(', ') } : { old: show(o) };
    out.push({ change: to.length > 0 ? 'narrowed' : 'removed', widening: false, text, side: to[0] !== undefined ? 'new' : 'old', index: to[0] ?? i });
  });
  return out;
}

/** `"i j"` for every outer[i] that matches all inner[j] matches, as the policy answers it. */
function pairs(tools: PolicyTools, outer: readonly Grant[], inner: readonly Grant[]): Set<string> {
  const answer = tools.covers({ grants: { outer, inner } }).grants;
  // A module built before grant coverage existed cannot answer: refuse rather than report no change.
  if (answer === undefined) throw new PolicyToolError('experience/tooling/covers answered no grants pairs: rebuild the policy (make policy)');
  return new Set(answer.map(([i, j]) => `${i} ${j}`));
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

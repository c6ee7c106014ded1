import type { EngineRevision, RuleSummary } from '../../../engine/index.js';
import { columns } from '../../shared/index.js';
import type { Location } from './context.js';
import type { AuthzExplanation, ContributionsExplanation, GrantRef } from './grants.js';
import type { ApiExplanation, EntryRef, SseExplanation } from './requests.js';

export type Explanation = ApiExplanation | SseExplanation | ContributionsExplanation | AuthzExplanation;

/** Which policy and data decided: printed under every explanation. */
export interface Provenance {
  policyFile: string;
  revision: EngineRevision;
  hostVersion: string;
}

const at = (l: Location | undefined): string => (l ? `  ${l.file}:${l.line}:${l.col}  ${l.path}` : '');
const label = (name: string, text: string): string => `${name.padEnd(9)} ${text}`;
const roles = (r: readonly string[]): string => (r.length > 0 ? r.join(', ') : '(none)');
const grantText = (g: GrantRef): string => `${g.subject}: ${g.grant.resource}/${g.grant.action}`;
/** The policy rule that decided, from its METADATA: `Allow-list violation: None of the plugin's ...`. */
const ruleLine = (rule: RuleSummary | undefined): string[] => (rule ? [label('rule', `${rule.title}: ${rule.description}`)] : []);

/** The human form of an explanation, one fact per line. */
export function renderExplanation(e: Explanation, source: Provenance): string[] {
  const lines = body(e);
  const { policy, data } = source.revision;
  lines.push(label('policy', `${source.policyFile} (${policy}), data ${data}, host ${source.hostVersion}`));
  return lines;
}

function body(e: Explanation): string[] {
  switch (e.kind) {
    case 'api':
    case 'sse':
      return requestLines(e);
    case 'contributions':
      return contributionLines(e);
    case 'authz':
      return authzLines(e);
  }
}

function requestLines(e: ApiExplanation | SseExplanation): string[] {
  const { decision } = e;
  const plugin = e.input.plugin_id ? `plugin ${e.input.plugin_id}` : 'no plugin id';
  const what = 'path' in e.input ? `${e.input.method} ${e.input.path}` : `topic ${e.input.topic}`;
  const lines = [
    label('decision', `${decision.allow ? 'allow' : 'deny'} (${decision.reason})`),
    ...ruleLine(e.rule),
    label('request', `${what}  ${plugin}  tenant ${e.input.tenant}`),
  ];
  if (e.note) lines.push(label('note', e.note));
  if (e.detail) lines.push(label('why', e.detail + at(e.detailLocation)));
  const entry = (ref: EntryRef): string => (e.kind === 'sse' ? `prefix ${ref.entry}` : ref.entry) + at(ref.location);
  if (e.matched) lines.push(label('matched', entry(e.matched)));
  if (e.closest) {
    lines.push(label('closest', entry(e.closest)));
    if (e.closest.difference) lines.push(label('differs', e.closest.difference));
  }
  return lines;
}

function contributionLines(e: ContributionsExplanation): string[] {
  const lines = [label('request', `contributions  user ${e.input.user.id}  roles ${roles(e.input.user.roles)}  tenant ${e.input.tenant}`)];
  if (e.detail) lines.push(label('why', e.detail));
  const rows = e.plugins.flatMap((p) =>
    p.contributions.map((c) => {
      const who = c.granted
        ? `by ${c.grants.map((g) => g.subject).join(', ') || '?'}`
        : c.grants.length > 0
          ? `would be granted by ${c.grants.map((g) => g.subject).join(', ')}`
          : `no role or user has ${c.resource}/${c.action}`;
      return [c.granted ? 'granted' : 'withheld', c.kind, c.target, c.component, `${c.resource}/${c.action}`, who];
    }),
  );
  const formatted = columns(rows, '  ');
  let next = 0;
  for (const p of e.plugins) {
    lines.push(`${p.id} ${p.version}`);
    for (let i = 0; i < p.contributions.length; i++) lines.push(formatted[next++] ?? '');
  }
  for (const l of e.leftOut) {
    const why = l.disabled === undefined ? `engine.experience "${l.range}" is not satisfied by the host version` : `disabled by an operator: "${l.disabled}"`;
    lines.push(label('left out', `${l.id} ${l.version}: ${why}${at(l.location)}`));
  }
  return lines;
}

function authzLines(e: AuthzExplanation): string[] {
  const { input, decision } = e;
  const lines = [
    label('decision', `${decision.allow ? 'allow' : 'deny'} (${decision.reason})`),
    ...ruleLine(e.rule),
    label('request', `${input.resource}/${input.action}  user ${input.subject.id}  roles ${roles(input.subject.roles)}  tenant ${input.tenant}`),
  ];
  if (e.detail) lines.push(label('why', e.detail));
  for (const g of e.grants) lines.push(label('granted', grantText(g) + at(g.location)));
  if (!decision.allow && decision.reason === 'not_granted') {
    if (e.grantedElsewhere.length === 0) lines.push(label('why', `no role or user in tenant ${input.tenant} has a grant for ${input.resource}/${input.action}`));
    for (const g of e.grantedElsewhere) lines.push(label('would be', `granted by ${grantText(g)}${at(g.location)}`));
  }
  return lines;
}

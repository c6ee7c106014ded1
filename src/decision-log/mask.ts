/**
 * Operator masks (DECISION_LOG_MASK), as OPA's mask rules: a JSON pointer into the event's
 * `input` or `result` is erased (recorded in `erased`), or with `=value` replaced (recorded in
 * `masked`); see https://www.openpolicyagent.org/docs/management-decision-logs ("Masking
 * Sensitive Data"). Masking copies along the pointer's path only: the decision and input the
 * request used (and any cache holding them) are never changed.
 */
import type { ApiInput, AuthzInput, ContributionsInput, SseInput } from '../engine/types.js';
import type { DecisionLogEvent } from './types.js';

export interface MaskRule {
  /** The pointer as written (canonical: what `erased` and `masked` report). */
  readonly pointer: string;
  readonly part: 'input' | 'result';
  /** Unescaped reference tokens after the part. */
  readonly tokens: readonly string[];
  readonly op: 'remove' | 'upsert';
  readonly value?: string;
}

type InputField = keyof ApiInput | keyof SseInput | keyof ContributionsInput | keyof AuthzInput;
/** Every top-level input field of the four decisions: a pointer into another is a typo that would mask nothing. */
const INPUT_FIELDS = ['tenant', 'plugin_id', 'method', 'path', 'topic', 'user', 'subject', 'resource', 'action'] as const satisfies readonly InputField[];
// Fails to compile when an input gains a field this list does not name.
const _allNamed: Exclude<InputField, (typeof INPUT_FIELDS)[number]> extends never ? true : never = true;
void _allNamed;

/** A value DECISION_LOG_MASK refuses, with what is wrong. */
export class MaskSyntaxError extends Error {
  override readonly name = 'MaskSyntaxError';
}

function unescapeToken(token: string, pointer: string): string {
  if (/~[^01]|~$/.test(token)) throw new MaskSyntaxError(`"${pointer}": "~" must be followed by 0 or 1 (RFC 6901)`);
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** One rule: `/input/...` or `/result/...`, optionally `=value` to upsert instead of erase. */
export function parseMask(text: string): MaskRule {
  const equals = text.indexOf('=');
  const pointer = (equals === -1 ? text : text.slice(0, equals)).trim();
  const value = equals === -1 ? undefined : text.slice(equals + 1);
  if (!pointer.startsWith('/')) throw new MaskSyntaxError(`"${pointer}" is not a JSON pointer (it starts with "/")`);
  const [part, ...rest] = pointer.slice(1).split('/').map((token) => unescapeToken(token, pointer));
  if (part !== 'input' && part !== 'result') throw new MaskSyntaxError(`"${pointer}": only /input/... and /result/... can be masked`);
  if (part === 'input' && rest.length > 0 && !(INPUT_FIELDS as readonly string[]).includes(rest[0]!)) {
    throw new MaskSyntaxError(`"${pointer}": no decision input has the field "${rest[0]}" (known: ${INPUT_FIELDS.join(', ')})`);
  }
  return value === undefined ? { pointer, part, tokens: rest, op: 'remove' } : { pointer, part, tokens: rest, op: 'upsert', value };
}

/** DECISION_LOG_MASK: comma-separated rules (empty: none). */
export function parseMasks(spec: string): MaskRule[] {
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseMask);
}

type Json = unknown;

function isObject(node: Json): node is Record<string, Json> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function indexOf(token: string, length: number): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < length ? index : undefined;
}

/** `node` without the value at `tokens[i..]`, copied along the path; undefined when that path does not exist. */
function removed(node: Json, tokens: readonly string[], i: number): { node: Json } | undefined {
  const token = tokens[i]!;
  const last = i === tokens.length - 1;
  if (Array.isArray(node)) {
    const index = indexOf(token, node.length);
    if (index === undefined) return undefined;
    const copy = node.slice();
    if (last) copy.splice(index, 1);
    else {
      const child = removed(node[index], tokens, i + 1);
      if (!child) return undefined;
      copy[index] = child.node;
    }
    return { node: copy };
  }
  if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
  // Spread defines own data properties (a "__proto__" key stays a key).
  const copy = { ...node };
  if (last) delete copy[token];
  else {
    const child = removed(node[token], tokens, i + 1);
    if (!child) return undefined;
    copy[token] = child.node;
  }
  return { node: copy };
}

/** `node` with the value at `tokens[i..]` replaced by `value`, copied along the path; undefined when that path does not exist. */
function upserted(node: Json, tokens: readonly string[], i: number, value: string): { node: Json } | undefined {
  const token = tokens[i]!;
  const last = i === tokens.length - 1;
  if (Array.isArray(node)) {
    const index = indexOf(token, node.length);
    if (index === undefined) return undefined;
    const child = last ? { node: value } : upserted(node[index], tokens, i + 1, value);
    if (!child) return undefined;
    const copy = node.slice();
    copy[index] = child.node;
    return { node: copy };
  }
  if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
  const child = last ? { node: value } : upserted(node[token], tokens, i + 1, value);
  if (!child) return undefined;
  const copy = { ...node };
  Object.defineProperty(copy, token, { value: child.node, enumerable: true, writable: true, configurable: true });
  return { node: copy };
}

/**
 * The event with every rule applied in order: a new event (the given one, its input and result
 * untouched) when any applied, else the same one. A rule applies only where its path exists
 * (OPA's conditional upsert, "if it existed in the original event"): one setting serves four
 * decisions with different inputs, and an authz mask must not add a `subject` to an api event.
 */
export function maskEvent(event: DecisionLogEvent, rules: readonly MaskRule[]): DecisionLogEvent {
  let out = event;
  for (const rule of rules) {
    const current = out[rule.part];
    if (current === undefined) continue;
    let next: { node: Json } | undefined;
    if (rule.tokens.length === 0) next = rule.op === 'remove' ? { node: undefined } : { node: rule.value };
    else next = rule.op === 'remove' ? removed(current, rule.tokens, 0) : upserted(current, rule.tokens, 0, rule.value!);
    if (!next) continue;
    out = out === event ? { ...event } : out;
    if (next.node === undefined) delete out[rule.part];
    else out[rule.part] = next.node;
    if (rule.op === 'remove') out.erased = [...(out.erased ?? []), rule.pointer];
    else out.masked = [...(out.masked ?? []), rule.pointer];
  }
  return out;
}

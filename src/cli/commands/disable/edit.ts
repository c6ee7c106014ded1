/**
 * The kill switch written into plugins.yaml: adds or removes one plugin entry's `disabled` field by
 * editing only those characters (the yaml package's Document gives the ranges), so comments, quoting,
 * blank lines and key order stay as they were. Like `hash --write`, the result is parsed again and
 * must be the original data with exactly that field added or removed, else nothing is returned.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { DISABLED_REASON, formatPath, matches } from '../../../config/index.js';
import { didYouMean, parseYamlDoc, type FieldPath, type YamlDoc } from '../../shared/index.js';

/** Why an edit cannot be made; `path` (and its position) points at what the message is about. */
export class KillSwitchEditError extends Error {
  override readonly name = 'KillSwitchEditError';
  constructor(
    readonly code: 'yaml_syntax' | 'unknown_tenant' | 'unknown_plugin' | 'duplicate_plugin_id' | 'already_disabled' | 'not_disabled' | 'invalid_disabled_reason' | 'unsupported_layout',
    message: string,
    readonly at: { line: number; col: number; path: string } = { line: 0, col: 0, path: '' },
  ) {
    super(message);
  }
}

export interface KillSwitchEdit {
  text: string;
  /** The plugin entry's field path, e.g. `tenants.localhost[1]`, and where its `disabled` field is (or was). */
  path: string;
  line: number;
  col: number;
  /** The reason that was removed (enable). */
  previousReason?: string;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Sets `disabled: { reason: "..." }` on plugin `id` of `tenant`.
 * @throws KillSwitchEditError: unknown tenant or plugin, already disabled, a reason the schema refuses.
 * @example disablePlugin(text, 'localhost', 'orders', 'INC-1234: leaks order data').text
 */
export function disablePlugin(text: string, tenant: string, id: string, reason: string): KillSwitchEdit {
  if (!matches(DISABLED_REASON, reason)) {
    throw new KillSwitchEditError('invalid_disabled_reason', `the reason must be one line of 1-200 characters, not only spaces, no control characters (got ${JSON.stringify(reason)})`);
  }
  const doc = parsed(text);
  const { entry, path } = findEntry(doc, tenant, id);
  const existing = pairOf(entry, 'disabled');
  if (existing) {
    const was = reasonOf(existing);
    const pos = doc.locate([...path, 'disabled']);
    throw new KillSwitchEditError('already_disabled', `plugin ${id} of tenant ${tenant} is already disabled${was === undefined ? '' : ` ("${was}")`}; enable it first to change the reason`, { ...pos, path: formatPath([...path, 'disabled']) });
  }
  const idPair = pairOf(entry, 'id');
  const idValue = idPair?.value as Node | undefined;
  const keyRange = (idPair?.key as Node | undefined)?.range;
  if (!idPair || !keyRange || !idValue?.range) throw layout(doc, path);
  // JSON's double-quoted string is a YAML double-quoted scalar: any printable reason reads back as written.
  const field = `disabled: { reason: ${JSON.stringify(reason)} }`;
  let splice: Splice;
  if (entry.flow) {
    splice = { start: idValue.range[1], end: idValue.range[1], text: `, ${field}` };
  } else {
    // A new line right under `id`, at the column of the entry's keys: what an operator reads first.
    const keyStart = keyRange[0];
    const column = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
    let lineEnd = text.indexOf('\n', idValue.range[1]);
    if (lineEnd < 0) lineEnd = text.length;
    const crlf = text[lineEnd - 1] === '\r';
    const at = crlf ? lineEnd - 1 : lineEnd;
    splice = { start: at, end: at, text: `${crlf ? '\r\n' : '\n'}${' '.repeat(column)}${field}` };
  }
  const out = apply(text, splice);
  verify(doc, out, path, { reason });
  const after = parseYamlDoc(out);
  return { text: out, path: formatPath([...path, 'disabled']), ...after.locate([...path, 'disabled'], 'key') };
}

/**
 * Removes the `disabled` field of plugin `id` of `tenant` (with a comment on its own line end).
 * @throws KillSwitchEditError: unknown tenant or plugin, not disabled.
 */
export function enablePlugin(text: string, tenant: string, id: string): KillSwitchEdit {
  const doc = parsed(text);
  const { entry, path } = findEntry(doc, tenant, id);
  const index = entry.items.findIndex((p) => keyName(p) === 'disabled');
  const pair = entry.items[index];
  if (!pair) {
    const pos = doc.locate(path);
    throw new KillSwitchEditError('not_disabled', `plugin ${id} of tenant ${tenant} is not disabled`, { ...pos, path: formatPath(path) });
  }
  const pos = doc.locate([...path, 'disabled'], 'key');
  const previousReason = reasonOf(pair);
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const end = value?.range?.[1] ?? key.range?.[1];
  if (!key.range || end === undefined) throw layout(doc, path);
  const start = key.range[0];
  let splice: Splice;
  const next = entry.items[index + 1]?.key as Node | undefined;
  const previous = entry.items[index - 1]?.value as Node | undefined;
  if (entry.flow) {
    // `, disabled: {...}` after an earlier pair, else `disabled: {...}, ` before the next one.
    if (previous?.range) splice = { start: previous.range[1], end, text: '' };
    else if (next?.range) splice = { start, end: next.range[0], text: '' };
    else throw layout(doc, path);
  } else {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text.slice(lineStart, start).trim() === '') {
      // Its own lines: from the line start to the end of the value's last line (a trailing comment is the field's).
      // A block value's range ends after its line break: step back to its last character first.
      let last = end;
      while (last > start && /\s/.test(text[last - 1] ?? '')) last--;
      const lineEnd = text.indexOf('\n', last);
      // The file's last line (no line break after it): the break before it goes instead.
      splice = lineEnd < 0 ? { start: Math.max(0, lineStart - (text[lineStart - 2] === '\r' ? 2 : 1)), end: text.length, text: '' } : { start: lineStart, end: lineEnd + 1, text: '' };
    } else if (next?.range) {
      // The entry's first key, after `- `: the next key takes its place.
      splice = { start, end: next.range[0], text: '' };
    } else {
      throw layout(doc, path);
    }
  }
  const out = apply(text, splice);
  verify(doc, out, path, undefined);
  return { text: out, path: formatPath([...path, 'disabled']), ...pos, ...(previousReason === undefined ? {} : { previousReason }) };
}

function parsed(text: string): YamlDoc {
  const doc = parseYamlDoc(text);
  const first = doc.errors[0];
  if (first) throw new KillSwitchEditError('yaml_syntax', first.message, { line: first.line, col: first.col, path: '' });
  return doc;
}

function findEntry(doc: YamlDoc, tenant: string, id: string): { entry: YAMLMap; path: FieldPath } {
  const data = doc.doc.toJS() as unknown;
  const tenants = isRecord(data) && isRecord(data['tenants']) ? data['tenants'] : {};
  if (!Object.hasOwn(tenants, tenant)) {
    const names = Object.keys(tenants);
    const hint = didYouMean(tenant, names);
    throw new KillSwitchEditError('unknown_tenant', `no tenant "${tenant}"; tenants: ${names.join(', ') || 'none'}${hint ? ` (did you mean "${hint}"?)` : ''}`, { ...doc.locate(['tenants']), path: 'tenants' });
  }
  const plugins = tenants[tenant];
  const list = Array.isArray(plugins) ? plugins : [];
  const indexes = list.flatMap((p: unknown, i) => (isRecord(p) && p['id'] === id ? [i] : []));
  const tenantPath = ['tenants', tenant];
  if (indexes.length === 0) {
    const ids = list.flatMap((p: unknown) => (isRecord(p) && typeof p['id'] === 'string' ? [p['id']] : []));
    const hint = didYouMean(id, ids);
    throw new KillSwitchEditError('unknown_plugin', `tenant ${tenant} has no plugin "${id}"; plugins: ${ids.join(', ') || 'none'}${hint ? ` (did you mean "${hint}"?)` : ''}`, { ...doc.locate(tenantPath), path: formatPath(tenantPath) });
  }
  const path: FieldPath = [...tenantPath, indexes[0] as number];
  if (indexes.length > 1) {
    throw new KillSwitchEditError('duplicate_plugin_id', `tenant ${tenant} lists plugin ${id} ${indexes.length} times; fix the file first`, { ...doc.locate([...tenantPath, indexes[1] as number]), path: formatPath([...tenantPath, indexes[1] as number]) });
  }
  const entry = doc.node(path);
  if (!isMap(entry)) throw layout(doc, path);
  return { entry, path };
}

const keyName = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);

function pairOf(map: YAMLMap, name: string): Pair | undefined {
  return map.items.find((p) => keyName(p) === name);
}

function reasonOf(pair: Pair): string | undefined {
  const value = pair.value;
  if (!isMap(value)) return undefined;
  const reason = value.get('reason');
  return typeof reason === 'string' ? reason : undefined;
}

function layout(doc: YamlDoc, path: FieldPath): KillSwitchEditError {
  return new KillSwitchEditError('unsupported_layout', 'this plugin entry is written in a way the command cannot edit safely; edit the file by hand', { ...doc.locate(path), path: formatPath(path) });
}

function apply(text: string, s: Splice): string {
  return text.slice(0, s.start) + s.text + text.slice(s.end);
}

/** The edited text must parse to the original data with only `disabled` set (or removed) on that entry. */
function verify(before: YamlDoc, after: string, path: FieldPath, disabled: { reason: string } | undefined): void {
  const expected = before.doc.toJS() as unknown;
  let target = expected as Record<string | number, unknown>;
  for (const step of path) target = target[step] as Record<string | number, unknown>;
  if (disabled) target['disabled'] = disabled;
  else delete target['disabled'];
  const reparsed = parseYamlDoc(after);
  if (reparsed.errors.length > 0 || !isDeepStrictEqual(reparsed.doc.toJS(), expected)) {
    throw new KillSwitchEditError('unsupported_layout', 'editing this entry would change more than its disabled field; nothing was written (edit the file by hand)', { ...before.locate(path), path: formatPath(path) });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

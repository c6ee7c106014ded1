import { isDeepStrictEqual } from 'node:util';
import { isMap, isNode, isScalar, Scalar, type Node } from 'yaml';
import { formatPath } from '../../../config/index.js';
import { parseYamlDoc, type FieldPath, type YamlDoc } from '../../shared/index.js';

export interface IntegrityEdit {
  /** The plugin's `bundle` map, e.g. `['tenants', 'localhost', 0, 'bundle']`. */
  bundlePath: FieldPath;
  integrity: string;
}

export interface IntegrityChange {
  /** Dotted path of the integrity field. */
  path: string;
  line: number;
  col: number;
  action: 'updated' | 'added' | 'unchanged' | 'skipped';
  old?: string;
  integrity: string;
  /** Why an entry was skipped. */
  reason?: string;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Sets `bundle.integrity` values by editing only the characters of those values, so comments,
 * quoting, blank lines and key order stay exactly as they were. A value keeps its quoting
 * style; with `add`, a missing `integrity` is inserted after the bundle map's last key, in the
 * map's own style (block: a new line at the same indentation; flow: `, integrity: "..."`).
 * The result is re-parsed and must equal the original data with just those values changed.
 */
export function applyIntegrity(text: string, edits: readonly IntegrityEdit[], options: { add: boolean }): { text: string; changes: IntegrityChange[] } {
  const doc = parseYamlDoc(text);
  if (doc.errors.length > 0) throw new Error('applyIntegrity needs a file without YAML errors');
  const splices: Splice[] = [];
  const changes: IntegrityChange[] = edits.map((edit) => planEdit(doc, edit, options, splices));
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  verify(doc, out, edits, changes);
  return { text: out, changes };
}

function planEdit(doc: YamlDoc, edit: IntegrityEdit, options: { add: boolean }, splices: Splice[]): IntegrityChange {
  const path = [...edit.bundlePath, 'integrity'];
  const base = { path: formatPath(path), ...doc.locate(path), integrity: edit.integrity };
  const node = doc.node(path);
  if (node !== undefined) {
    if (!isScalar(node) || !node.range) return { ...base, action: 'skipped', reason: 'integrity is not a plain value' };
    const old = String(node.value);
    if (old === edit.integrity) return { ...base, action: 'unchanged', old };
    // The opt-out is the operator's decision, written where a reviewer sees it: never undone in bulk.
    if (old === 'none') return { ...base, action: 'skipped', old, reason: `integrity: none is an explicit opt-out, left as it is; to pin the bundle, replace it with "${edit.integrity}"` };
    const quoted = quote(node, edit.integrity);
    if (quoted === undefined) return { ...base, action: 'skipped', old, reason: 'integrity is a block scalar; write it as a one-line value' };
    splices.push({ start: node.range[0], end: node.range[1], text: quoted });
    return { ...base, action: 'updated', old };
  }
  if (!options.add) return { ...base, action: 'skipped', reason: 'no integrity field (pass --add to pin it)' };
  const bundle = doc.node(edit.bundlePath);
  const last = isMap(bundle) ? bundle.items[bundle.items.length - 1] : undefined;
  const lastValue = last && isNode(last.value) ? (last.value as Node) : undefined;
  if (!isMap(bundle) || !last || !isNode(last.key) || !last.key.range || !lastValue?.range) {
    return { ...base, action: 'skipped', reason: 'bundle is not a map with a value to insert after' };
  }
  const value = `"${edit.integrity}"`;
  if (bundle.flow) {
    splices.push({ start: lastValue.range[1], end: lastValue.range[1], text: `, integrity: ${value}` });
  } else {
    const { text } = doc;
    const keyStart = last.key.range[0];
    const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
    let lineEnd = text.indexOf('\n', lastValue.range[1]);
    if (lineEnd < 0) lineEnd = text.length;
    const crlf = text[lineEnd - 1] === '\r';
    const at = crlf ? lineEnd - 1 : lineEnd;
    splices.push({ start: at, end: at, text: `${crlf ? '\r\n' : '\n'}${' '.repeat(indent)}integrity: ${value}` });
  }
  return { ...base, ...doc.locate(edit.bundlePath), action: 'added' };
}

function quote(node: Scalar, value: string): string | undefined {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return `"${value}"`;
    case Scalar.QUOTE_SINGLE:
      return `'${value}'`;
    case Scalar.PLAIN:
    case undefined:
      return value;
    default:
      return undefined;
  }
}

/** The edited text must parse to the original data with exactly the planned values set. */
function verify(before: YamlDoc, after: string, edits: readonly IntegrityEdit[], changes: readonly IntegrityChange[]): void {
  const expected = before.doc.toJS() as unknown;
  edits.forEach((edit, i) => {
    const action = changes[i]?.action;
    if (action !== 'updated' && action !== 'added') return;
    let target = expected as Record<string | number, unknown>;
    for (const step of edit.bundlePath) target = target[step] as Record<string | number, unknown>;
    target['integrity'] = edit.integrity;
  });
  const reparsed = parseYamlDoc(after);
  if (reparsed.errors.length > 0 || !isDeepStrictEqual(reparsed.doc.toJS(), expected)) {
    throw new Error('editing the integrity values would change more than those values; nothing was written');
  }
}

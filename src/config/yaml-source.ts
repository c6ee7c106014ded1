import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { IssueCode } from './codes.js';
import { formatPath, type FieldPath, type RawIssue } from './issue.js';
import type { ConfigIssue } from './types.js';

/** A parsed YAML file: its plain data, and a way back from a field path to a line and column. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based position of the node at `path` (or of its key); the nearest existing ancestor if absent. */
  locate(path: FieldPath, at?: 'key' | 'value'): { line: number; col: number };
  /** Turns issues found on the data into located `ConfigIssue`s. */
  toIssues(raw: readonly RawIssue[]): ConfigIssue[];
}

/**
 * Parses one YAML document with the safety options on: duplicate keys are errors, aliases are
 * expanded under yaml's default `maxAliasCount` (so an alias bomb is refused, not expanded),
 * and warnings (e.g. unknown tags) are refused like errors rather than guessed about.
 */
export function readYaml(text: string, file: string): { ok: true; source: YamlSource } | { ok: false; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) return { ok: false, issues: firstOfCascade(problems).map((e) => yamlIssue(e, file)) };
  if (doc.contents === null) {
    return { ok: false, issues: [{ code: 'empty_file', file, line: 0, col: 0, path: '', message: 'the file holds no YAML document' }] };
  }
  const pos = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount.
    const offset = firstAliasOffset(doc);
    const { line, col } = offset === undefined ? { line: 0, col: 0 } : pos(offset);
    const code: IssueCode = error instanceof ReferenceError ? 'yaml_alias_limit' : 'yaml_syntax';
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ code, file, line, col, path: '', message: `aliases refused: ${detail}` }] };
  }
  const locate = (path: FieldPath, at: 'key' | 'value' = 'value'): { line: number; col: number } => {
    const offset = nodeOffset(doc, path, at);
    return offset === undefined ? { line: 0, col: 0 } : pos(offset);
  };
  const toIssues = (raw: readonly RawIssue[]): ConfigIssue[] =>
    raw.map((r) => ({ code: r.code, file, ...locate(r.path, r.at), path: formatPath(r.path), message: r.message }));
  return { ok: true, source: { file, data, locate, toIssues } };
}

/**
 * After a syntax error the parser resynchronises and reports a cascade of follow-on errors
 * ("Unexpected token ..."). Only the first syntax error is kept; duplicate keys and warnings
 * are independent findings and are all kept.
 */
function firstOfCascade(problems: readonly YAMLError[]): YAMLError[] {
  const isSyntax = (e: YAMLError): boolean => e.name === 'YAMLParseError' && e.code !== 'DUPLICATE_KEY';
  const first = problems.find(isSyntax);
  return problems.filter((e) => !isSyntax(e) || e === first);
}

function yamlIssue(error: YAMLError, file: string): ConfigIssue {
  const start = error.linePos?.[0] ?? { line: 0, col: 0 };
  // prettyErrors appends " at line L, column C:" and a code frame; the position is already in the issue.
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const code: IssueCode =
    error.code === 'DUPLICATE_KEY' ? 'yaml_duplicate_key' : error.name === 'YAMLWarning' ? 'yaml_warning' : 'yaml_syntax';
  return { code, file, line: start.line, col: start.col, path: '', message };
}

/**
 * Walks the node tree along `path`; returns the start offset of the deepest node reached (the
 * key for `at: 'key'` or for `key:` with no value). The one position rule for config issues
 * and the CLI's own messages.
 */
export function nodeOffset(doc: Document, path: FieldPath, at: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let offset = startOf(node);
  for (const [i, part] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (pair === undefined) break;
      if (i === path.length - 1 && at === 'key') return startOf(pair.key) ?? offset;
      // `key:` with nothing after it has no value node worth pointing at: point at the key.
      next = isScalar(pair.value) && pair.value.value === null ? pair.key : pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part];
    } else {
      break;
    }
    if (next === undefined || next === null) break;
    offset = startOf(next) ?? offset;
    node = next;
  }
  return offset;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

import type { IssueCode } from './codes.js';
import type { ConfigIssue } from './types.js';

/** A field's location in the parsed data: map keys and array indexes, from the root. */
export type FieldPath = readonly (string | number)[];

/** An issue found on the data, before it is given a file position. */
export interface RawIssue {
  code: IssueCode;
  path: FieldPath;
  message: string;
  /** Point at the map key instead of the value (unknown fields, bad tenant hosts). */
  at?: 'key' | 'value';
}

/** What the pure parsers return: the model, or every issue found. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/**
 * Renders a field path the way operators read it: `tenants.localhost[1].permissions.api[0].path`.
 * Keys are joined with dots as they are, so a tenant host reads `tenants.acme.localhost[0]`.
 */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * One line per issue, `file:line:col  field.path  message`, the form editors and CI logs link.
 * @example formatIssue(issue) // "config/plugins.yaml:12:15  tenants.localhost[0].version  ..."
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return issue.path === '' ? `${where}  ${issue.message}` : `${where}  ${issue.path}  ${issue.message}`;
}

/** Orders issues by position within each file (files keep their order), dropping exact duplicates. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const fileOrder = new Map<string, number>();
  const unique = issues.filter((i) => {
    const key = [i.file, i.line, i.col, i.code, i.path, i.message].join('\0');
    if (seen.has(key)) return false;
    seen.add(key);
    if (!fileOrder.has(i.file)) fileOrder.set(i.file, fileOrder.size);
    return true;
  });
  const rank = (i: ConfigIssue): number => fileOrder.get(i.file) ?? 0;
  // Array.prototype.sort is stable, so issues at the same position keep the order they were found in.
  return unique.sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
}

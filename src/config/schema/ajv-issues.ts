import type { ErrorObject } from 'ajv/dist/2020.js';
import type { IssueCode } from '../codes.js';
import type { FieldPath, RawIssue } from '../issue.js';
import { HTTP_METHODS } from '../names.js';
import { editDistance } from '../edit-distance.js';

/** Patterned `$defs` whose violations get their own code and a rule operators can read. */
const DEF_RULES: Record<string, { code: IssueCode; what: string }> = {
  tenantHost: { code: 'invalid_tenant_host', what: 'tenant host (lower-case host name, no port)' },
  pluginId: { code: 'invalid_plugin_id', what: 'plugin id (lower-case letters, digits and "-", starting with a letter, at most 63)' },
  integrity: { code: 'invalid_integrity', what: 'integrity ("sha256:" and 64 lower-case hex digits, or none)' },
  disabledReason: { code: 'invalid_disabled_reason', what: 'disabled reason (one line of 1-200 characters, not only spaces, no control characters)' },
  topicPrefix: { code: 'invalid_sse_prefix', what: 'SSE topic prefix (dot-separated words of letters, digits, "_" and "-")' },
  component: { code: 'schema', what: 'component (a JavaScript identifier the bundle exports)' },
  resource: { code: 'schema', what: 'resource (dot-separated words, e.g. plugin.route)' },
  action: { code: 'schema', what: 'action (letters, digits, "_" and "-", e.g. view)' },
  slot: { code: 'schema', what: 'slot (dot-separated words, e.g. dashboard.main)' },
  roleName: { code: 'schema', what: 'role name (letters, digits, "_", ".", ":" and "-")' },
  userId: { code: 'schema', what: 'user id (no whitespace, no leading "_")' },
  grantResource: { code: 'schema', what: 'resource (dot-separated words, or "*")' },
  grantAction: { code: 'schema', what: 'action (a word, or "*")' },
};

/**
 * Turns ajv errors into located, readable issues. Noise is dropped: the per-branch errors of
 * a oneOf (the oneOf error itself says it better) and ajv's summary error for property names.
 */
export function describeAjvErrors(errors: readonly ErrorObject[], data: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const error of errors) {
    if (error.keyword === 'propertyNames' || error.schemaPath.includes('/oneOf/')) continue;
    const path = toFieldPath(error.instancePath, data);
    const issue = describe(error, path);
    if (issue) issues.push(issue);
  }
  return issues;
}

function describe(error: ErrorObject, path: FieldPath): RawIssue | undefined {
  const params = error.params as Record<string, unknown>;
  // An error about a map key (propertyNames) carries the key; point at it.
  if (typeof error.propertyName === 'string') {
    const rule = DEF_RULES[defName(error.schemaPath) ?? ''];
    const what = rule?.what ?? 'key';
    return { code: rule?.code ?? 'schema', path: [...path, error.propertyName], at: 'key', message: `"${error.propertyName}" is not a valid ${what}${rule?.code === 'invalid_tenant_host' ? hostHint(error.propertyName) : ''}` };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const known = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      const hint = suggest(name, known);
      const allowed = known.length > 0 ? ` (known: ${known.join(', ')})` : '';
      return { code: 'unknown_field', path: [...path, name], at: 'key', message: `unknown field "${name}"${hint ? `; did you mean "${hint}"?` : allowed}` };
    }
    case 'required': {
      const name = String(params['missingProperty']);
      return { code: 'missing_field', path: [...path, name], message: `missing required field "${name}"` };
    }
    case 'type':
      return { code: 'schema', path, message: typeMessage(String(params['type']), error.data) };
    case 'oneOf':
      return { code: 'invalid_bundle', path, message: bundleMessage(error.data) };
    case 'enum':
      if (typeof error.data !== 'string') return undefined; // the type error already says it
      if (defName(error.schemaPath) === 'method') return { code: 'invalid_method', path, message: methodMessage(error.data) };
      return { code: 'schema', path, message: `"${error.data}" must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    case 'pattern': {
      const rule = DEF_RULES[defName(error.schemaPath) ?? ''];
      const shown = JSON.stringify(error.data);
      return rule
        ? { code: rule.code, path, message: `${shown} is not a valid ${rule.what}` }
        : { code: 'schema', path, message: `${shown} must match ${String(params['pattern'])}` };
    }
    default:
      return { code: 'schema', path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** The `$defs` entry an error's keyword belongs to, e.g. `#/$defs/integrity/pattern` -> `integrity`. */
function defName(schemaPath: string): string | undefined {
  return /\/\$defs\/([^/]+)\/(?:pattern|enum)$/.exec(schemaPath)?.[1];
}

/** Walks the data along a JSON pointer so array indexes become numbers in the field path. */
function toFieldPath(pointer: string, data: unknown): FieldPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(part));
      node = node[Number(part)];
    } else {
      path.push(part);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    }
  }
  return path;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'nothing',
};

function typeMessage(expected: string, value: unknown): string {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const wanted = expected.split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
  const got = actual === 'number' || actual === 'boolean' ? `${actual} ${String(value)}` : actual === 'null' ? 'nothing' : (TYPE_WORDS[actual] ?? actual);
  // YAML reads 1.0 and true as a number and a boolean; a quoted value stays a string.
  const hint = expected === 'string' && (actual === 'number' || actual === 'boolean') ? '; put the value in quotes' : '';
  return `expected ${wanted}, got ${got}${hint}`;
}

function methodMessage(value: string): string {
  const upper = value.toUpperCase();
  if ((HTTP_METHODS as readonly string[]).includes(upper)) return `method "${value}" must be written upper-case: "${upper}"`;
  return `unknown method "${value}"; use one of ${HTTP_METHODS.join(', ')}`;
}

function bundleMessage(value: unknown): string {
  const bundle = (value ?? {}) as Record<string, unknown>;
  return 'file' in bundle && 'url' in bundle
    ? 'bundle has both "file" and "url"; keep exactly one'
    : 'bundle needs exactly one of "file" or "url"';
}

function hostHint(name: string): string {
  if (/:\d*$/.test(name)) return '; leave out the port';
  if (name !== name.toLowerCase()) return '; write it lower-case';
  return '';
}

/** The one known name within edit distance 2 of a typo, if there is exactly one. */
function suggest(name: string, known: readonly string[]): string | undefined {
  const close = known.filter((k) => editDistance(name.toLowerCase(), k.toLowerCase()) <= 2);
  return close.length === 1 ? close[0] : undefined;
}


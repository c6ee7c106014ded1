/**
 * A static scan of plugin code (a bundle or its TypeScript sources) for the API paths and SSE
 * topics it uses. TypeScript's parser reads the file; nothing is executed. What cannot be
 * known without running the code (a computed path, a topic from a variable) is reported as
 * undecided rather than guessed.
 */
import type * as TS from 'typescript';
import { CliError } from '../../shared/index.js';
import type { PathPatternSegment as PatternSegment } from '../../../engine/index.js';

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface ApiReference {
  /** Upper-case method; undefined when the code does not say (a bare path string) or computes it. */
  method: string | undefined;
  /** False when a call passes a method the scan cannot read. */
  methodKnown: boolean;
  /** `fetch`, `json`, `useQuery`, `invalidate` (SDK calls) or `literal` (a path string elsewhere). */
  via: string;
  /** The path as written, with `${…}` for computed parts. */
  text: string;
  /** Undefined when the path is computed or not same-origin. */
  pattern?: PatternSegment[];
  /** Set for an absolute URL or protocol-relative `//host` path: another origin. */
  external?: string;
  at: SourcePosition;
}

export interface TopicReference {
  topic: string;
  at: SourcePosition;
}

export interface Undecided {
  message: string;
  at: SourcePosition;
}

export interface ScanResult {
  api: ApiReference[];
  topics: TopicReference[];
  undecided: Undecided[];
  /** Calls around the SDK: `fetch(...)`, `new EventSource(...)`, `new WebSocket(...)`. */
  bypasses: { what: string; at: SourcePosition }[];
  /** `import(x)` where x is not a string literal (bundles only: the import cannot be checked). */
  computedImports: SourcePosition[];
}

type Typescript = typeof TS;
let typescript: Promise<Typescript> | undefined;

function loadTypescript(): Promise<Typescript> {
  typescript ??= import('typescript').then(
    (m) => (m as unknown as { default?: Typescript }).default ?? (m as unknown as Typescript),
    (cause: unknown) => {
      typescript = undefined;
      throw new CliError('typescript is not installed: the harness source scan needs its parser (npm ci installs it)', { cause });
    },
  );
  return typescript;
}

const SDK_API_CALLS = new Set(['fetch', 'json', 'useQuery', 'invalidate']);
const API_PATH = /^\/api(?:[/?#]|$)/;

export async function scanSource(displayName: string, text: string): Promise<ScanResult> {
  const ts = await loadTypescript();
  const kind = /\.tsx$/.test(displayName) ? ts.ScriptKind.TSX : /\.ts$/.test(displayName) ? ts.ScriptKind.TS : /\.jsx$/.test(displayName) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(displayName, text, ts.ScriptTarget.Latest, true, kind);
  const result: ScanResult = { api: [], topics: [], undecided: [], bypasses: [], computedImports: [] };
  const consumed = new Set<TS.Node>();
  const at = (node: TS.Node): SourcePosition => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { file: displayName, line: line + 1, col: character + 1 };
  };

  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) onCall(node);
    else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['EventSource', 'WebSocket'].includes(node.expression.text)) {
      result.bypasses.push({ what: `new ${node.expression.text}(...)`, at: at(node) });
    } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) && !consumed.has(node) && !skipLiteral(node)) {
      const path = readPath(node);
      if (path && !path.external && API_PATH.test(path.text)) result.api.push({ method: undefined, methodKnown: true, via: 'literal', ...path, at: at(node) });
    }
    ts.forEachChild(node, visit);
  };

  const onCall = (call: TS.CallExpression): void => {
    const callee = call.expression;
    const arg = call.arguments[0];
    if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      if (arg && !ts.isStringLiteralLike(arg)) result.computedImports.push(at(call));
      return;
    }
    if (ts.isIdentifier(callee) && callee.text === 'fetch') {
      result.bypasses.push({ what: 'fetch(...)', at: at(call) });
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const name = callee.name.text;
    const owner = ownerName(callee.expression);
    if (owner === 'api' && SDK_API_CALLS.has(name)) onApiCall(call, name, arg);
    else if (owner === 'sse' && name === 'subscribe') onSubscribe(arg);
    else if ((owner === 'window' || owner === 'globalThis' || owner === 'self') && name === 'fetch') result.bypasses.push({ what: `${owner}.fetch(...)`, at: at(call) });
  };

  const onApiCall = (call: TS.CallExpression, name: string, arg: TS.Expression | undefined): void => {
    if (!arg || arg.kind === ts.SyntaxKind.NullKeyword) return;
    consumed.add(arg);
    const path = readPath(arg);
    if (!path) {
      result.undecided.push({ message: `api.${name} with a computed path (${snippet(arg)})`, at: at(arg) });
      return;
    }
    const { method, methodKnown } = name === 'useQuery' || name === 'invalidate' ? { method: name === 'useQuery' ? 'GET' : undefined, methodKnown: true } : readMethod(call.arguments[1]);
    result.api.push({ method, methodKnown, via: name, ...path, at: at(arg) });
  };

  const onSubscribe = (arg: TS.Expression | undefined): void => {
    if (!arg) return;
    const elements = ts.isArrayLiteralExpression(arg) ? [...arg.elements] : [arg];
    for (const e of elements) {
      consumed.add(e);
      if (ts.isStringLiteralLike(e)) result.topics.push({ topic: e.text, at: at(e) });
      else result.undecided.push({ message: `sse.subscribe with a computed topic (${snippet(e)})`, at: at(e) });
    }
  };

  /** `sdk.api` -> "api"; `api` -> "api"; `sdk?.sse` -> "sse". */
  const ownerName = (expr: TS.Expression): string | undefined => {
    if (ts.isIdentifier(expr)) return expr.text;
    if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
    return undefined;
  };

  const readMethod = (init: TS.Expression | undefined): { method: string | undefined; methodKnown: boolean } => {
    if (!init) return { method: 'GET', methodKnown: true };
    if (!ts.isObjectLiteralExpression(init)) return { method: undefined, methodKnown: false };
    const prop = init.properties.find((p) => p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'method');
    if (!prop) {
      // A spread may carry a method; without one, fetch defaults to GET.
      return init.properties.some((p) => ts.isSpreadAssignment(p)) ? { method: undefined, methodKnown: false } : { method: 'GET', methodKnown: true };
    }
    if (ts.isPropertyAssignment(prop) && ts.isStringLiteralLike(prop.initializer)) return { method: prop.initializer.text.toUpperCase(), methodKnown: true };
    return { method: undefined, methodKnown: false };
  };

  /** A path from a literal or a template literal; undefined when it is computed from the start. */
  const readPath = (node: TS.Node): { text: string; pattern?: PatternSegment[]; external?: string } | undefined => {
    if (ts.isStringLiteralLike(node)) return literalPath(node.text);
    if (!ts.isTemplateExpression(node)) return undefined;
    const pieces: (string | null)[] = [node.head.text];
    for (const span of node.templateSpans) pieces.push(null, span.literal.text);
    const text = pieces.map((p) => (p === null ? '${…}' : p)).join('');
    if (node.head.text === '') return undefined;
    const external = externalUrl(node.head.text);
    if (external) return { text, external: text };
    if (!node.head.text.startsWith('/')) return { text };
    return { text, pattern: templatePattern(pieces) };
  };

  const skipLiteral = (node: TS.Node): boolean => {
    const parent = node.parent;
    return (
      (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) ||
      ts.isLiteralTypeNode(parent) ||
      ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) ||
      ts.isTemplateSpan(parent)
    );
  };

  const snippet = (node: TS.Node): string => {
    const t = node.getText(sf).replace(/\s+/g, ' ');
    return t.length > 40 ? `${t.slice(0, 39)}…` : t;
  };

  visit(sf);
  return result;
}

function externalUrl(text: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) || text.startsWith('//') ? text : undefined;
}

/** A literal path: same-origin absolute (checked), another origin (external), or relative (text only). */
function literalPath(text: string): { text: string; pattern?: PatternSegment[]; external?: string } {
  if (externalUrl(text)) return { text, external: text };
  if (!text.startsWith('/')) return { text };
  return { text, pattern: templatePattern([text]) };
}

/**
 * Splits the pieces of a template literal (strings, with null for each `${…}`) into path
 * segments, up to a query or fragment. A substitution is taken to be (part of) one segment.
 */
export function templatePattern(pieces: readonly (string | null)[]): PatternSegment[] {
  const segments: PatternSegment[] = [];
  let text = '';
  let dynamic = false;
  let started = false;
  const close = () => {
    if (started) segments.push(dynamic ? (text === '' ? { dynamic: true } : { partial: text }) : { literal: text });
    text = '';
    dynamic = false;
    started = true;
  };
  outer: for (const piece of pieces) {
    if (piece === null) {
      dynamic = true;
      continue;
    }
    for (const ch of piece) {
      if (ch === '?' || ch === '#') break outer;
      if (ch === '/') close();
      else text += ch;
    }
  }
  close();
  return segments;
}

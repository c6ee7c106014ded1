/**
 * The harness checks on what was read: the bundle's module analysis, its size, the declared
 * engine range, and the scanned API paths and topics against the declared permissions.
 * Pure functions: harness.ts does the reading.
 */
import semver from 'semver';
import { compileApiPermission, compileSsePermission, satisfiesEngine, type ApiPermission, type RegistryApiEntry, type RouteConfig, type WidgetConfig } from '../../../config/index.js';
import type { DeclaredResult, PathPatternSegment, PolicyTools } from '../../../engine/index.js';
import type { EsmAnalysis } from '../../shared/index.js';
import { formatSize } from './target.js';
import type { ApiReference, ScanResult, SourcePosition } from './source-scan.js';

export interface Finding {
  code: string;
  message: string;
  at?: SourcePosition;
  /** More places with the same finding (the first is `at`). */
  also?: SourcePosition[];
}

/** What a plugin declares, from plugins.yaml (per tenant) or a manifest. */
export interface Declaration {
  /** Where it was read, e.g. `config/plugins.yaml (tenant localhost)`. */
  label: string;
  engine?: string;
  api: ApiPermission[];
  sse: string[];
  routes: Pick<RouteConfig, 'component'>[];
  widgets: Pick<WidgetConfig, 'component'>[];
  /** Where a field of the declaration is written (for findings about it). */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

/** Valid ESM, and every import from the same origin. */
export function checkModule(esm: EsmAnalysis, bundle: string, text: string): Finding[] {
  if (!esm.ok) return [{ code: 'not_esm', message: `not valid JavaScript: ${esm.message}`, at: { file: bundle, line: esm.line, col: esm.col } }];
  const findings: Finding[] = [];
  if (esm.format === 'cjs') findings.push({ code: 'not_esm', message: 'CommonJS (module.exports), not an ES module', at: { file: bundle, line: 0, col: 0 } });
  for (const i of esm.imports) {
    const at = specifierPosition(text, i.path, bundle);
    if (i.kind === 'require-call') findings.push({ code: 'not_esm', message: `require("${i.path}"): a browser ES module cannot require`, at });
    else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(i.path) || i.path.startsWith('//')) {
      findings.push({ code: 'foreign_import', message: `imports "${i.path}" from another origin; CSP script-src 'self' blocks it (serve it from /shared/ or bundle it)`, at });
    } else if (!i.path.startsWith('/') && !i.path.startsWith('./') && !i.path.startsWith('../')) {
      findings.push({ code: 'bare_import', message: `imports the bare specifier "${i.path}", which a browser cannot resolve (bundle it, or import the shared copy from /shared/)`, at });
    }
  }
  return findings;
}

export function checkSize(bytes: number, budget: number, bundle: string): Finding[] {
  return bytes <= budget ? [] : [{ code: 'size_budget', message: `bundle is ${formatSize(bytes)}, over the budget of ${formatSize(budget)} (--max-size)`, at: { file: bundle, line: 0, col: 0 } }];
}

export function checkEngine(d: Declaration, hostVersion: string): Finding[] {
  const at = d.locate(['engine', 'experience']);
  const where = at ? { at } : {};
  if (d.engine === undefined || d.engine === '') return [{ code: 'engine_range', message: `${d.label} declares no engine.experience range`, ...where }];
  if (semver.validRange(d.engine) === null) return [{ code: 'engine_range', message: `engine.experience "${d.engine}" is not a semver range`, ...where }];
  if (!satisfiesEngine(hostVersion, d.engine)) {
    return [{ code: 'engine_range', message: `engine.experience "${d.engine}" is not satisfied by host version ${hostVersion}: the BFF leaves the plugin out`, ...where }];
  }
  return [];
}

export function checkExports(d: Declaration, esm: EsmAnalysis, bundle: string): Finding[] {
  if (!esm.ok) return [];
  const findings: Finding[] = [];
  const kinds = [['routes', d.routes], ['widgets', d.widgets]] as const;
  for (const [kind, items] of kinds) {
    items.forEach((item, i) => {
      if (esm.exports.includes(item.component)) return;
      const at = d.locate(['contributions', kind, i, 'component']);
      findings.push({ code: 'missing_export', message: `${kind.slice(0, -1)} component "${item.component}" is not exported by ${bundle} (exports: ${esm.exports.join(', ') || 'none'})`, ...(at ? { at } : {}) });
    });
  }
  return findings;
}

/**
 * API paths and topics used in the code against the declared permissions, as the policy judges
 * them (experience/tooling/declared). Undeclared or malformed ones are findings; those that depend
 * on run-time values are returned as undecided.
 */
export function checkUsage(d: Declaration, scans: readonly ScanResult[], tools: PolicyTools): { findings: Finding[]; undecided: Finding[] } {
  const findings: Finding[] = [];
  const undecided: Finding[] = [];
  const entries: RegistryApiEntry[] = d.api.flatMap((a) => {
    const compiled = compileApiPermission(a);
    return compiled.ok ? [compiled.value] : [];
  });
  const declared = entries.map((e) => `${e.method} ${e.template}`).join(', ') || 'none';
  const refs = scans.flatMap((s) => s.api).filter((r): r is ApiReference & { pattern: PathPatternSegment[] } => !r.external && r.pattern !== undefined);
  const topics = scans.flatMap((s) => s.topics);
  const answer: DeclaredResult =
    refs.length + topics.length === 0
      ? { paths: [], topics: [] }
      : tools.declared({ api: entries, sse: d.sse.map(compileSsePermission), paths: refs.map((r) => ({ method: r.method ?? null, pattern: r.pattern })), topics: topics.map((t) => t.topic) });
  const coverage = new Map(refs.map((r, i) => [r, answer.paths[i]]));
  const topicCoverage = new Map(topics.map((t, i) => [t, answer.topics[i]]));
  for (const scan of scans) {
    for (const ref of scan.api) {
      const what = `${ref.method ?? '(any method)'} ${ref.text}`;
      const judged = coverage.get(ref as ApiReference & { pattern: PathPatternSegment[] });
      if (ref.external) {
        findings.push({ code: 'cross_origin', message: `api.${ref.via} to ${ref.external}: another origin; the SDK refuses it and the BFF never proxies it`, at: ref.at });
      } else if (!judged) {
        undecided.push({ code: 'computed_path', message: `api.${ref.via}("${ref.text}"): a relative or computed path`, at: ref.at });
      } else if (judged.coverage === 'malformed') {
        findings.push({ code: 'malformed_api_path', message: `${what}: the BFF refuses this path as malformed (malformed_path)`, at: ref.at });
      } else if (judged.coverage === 'declared') {
        if (!ref.methodKnown) undecided.push({ code: 'computed_method', message: `api.${ref.via}("${ref.text}") with a computed method: declared for some method`, at: ref.at });
      } else if (judged.coverage === 'undecided') {
        undecided.push({ code: 'partly_declared', message: `${what}: declared for some values of the computed parts only`, at: ref.at });
      } else {
        const others = ref.method !== undefined && judged.methods.length > 0 ? ` (declared for ${judged.methods.join(', ')} only)` : '';
        findings.push({ code: 'undeclared_api', message: `${what} is not in permissions.api${others} (${d.label} declares: ${declared})`, at: ref.at });
      }
    }
    for (const t of scan.topics) {
      const judged = topicCoverage.get(t);
      if (judged === 'malformed') findings.push({ code: 'malformed_topic', message: `sse topic "${t.topic}" is malformed: the BFF refuses it (malformed_topic)`, at: t.at });
      else if (judged !== 'declared') findings.push({ code: 'undeclared_topic', message: `sse topic "${t.topic}" is not under a prefix in permissions.sse (${d.label} declares: ${d.sse.join(', ') || 'none'})`, at: t.at });
    }
    for (const u of scan.undecided) undecided.push({ code: u.message.startsWith('sse') ? 'computed_topic' : 'computed_path', message: u.message, at: u.at });
    for (const b of scan.bypasses) findings.push({ code: 'bypasses_sdk', message: `${b.what} goes around the SDK: no X-Plugin-Id, so the BFF refuses it (use sdk.api.fetch / sdk.sse.subscribe)`, at: b.at });
  }
  return { findings, undecided };
}

/** Line and column of an import specifier in the bundle text (its first quoted occurrence). */
function specifierPosition(text: string, specifier: string, file: string): SourcePosition {
  const offset = [`"${specifier}"`, `'${specifier}'`, `\`${specifier}\``].map((q) => text.indexOf(q)).find((i) => i >= 0) ?? -1;
  if (offset < 0) return { file, line: 0, col: 0 };
  const before = text.slice(0, offset);
  return { file, line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

/** One finding per code and message; later places of the same are kept in `also`. */
export function dedupe(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.code}\0${f.message}`;
    const first = byKey.get(key);
    if (!first) byKey.set(key, { ...f });
    else if (f.at) first.also = [...(first.also ?? []), f.at];
  }
  return [...byKey.values()];
}

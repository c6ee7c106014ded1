import { readFile } from 'node:fs/promises';
import { command, flag, str, UsageError, analyzeEsm, plural, EXIT, writeJson, writeLines, policyTools, settings, type CommandSpec, type Values, type EsmAnalysis, type Io } from '../../shared/index.js';
import { PolicyTools } from '../../../engine/index.js';
import { AppError } from '../../../errors/index.js';
import { checkEngine, checkExports, checkModule, checkSize, checkUsage, dedupe, type Finding } from './checks.js';
import { loadDeclarations } from './declarations.js';
import { formatSize, parseSize, resolveTarget } from './target.js';
import { scanSource, type ScanResult } from './source-scan.js';

export const DEFAULT_MAX_SIZE = 256 * 1024;

export const harnessSpec: CommandSpec = {
  name: 'harness',
  summary: 'Check a plugin bundle: ESM, same-origin imports, exports, size, engine range, API use',
  usage: ['harness <plugin folder | bundle folder | bundle file> [options]'],
  description: `The plugin harness checks, without running the plugin's code:
  - the bundle is valid ESM whose imports are all same-origin paths (no http(s)://, //host,
    data: or blob:, no bare specifiers)
  - it exports every component its contributions name
  - it stays under the size budget (--max-size, default ${formatSize(DEFAULT_MAX_SIZE)})
  - its engine.experience range is satisfied by the host version
  - every API path (api.fetch, api.json, api.useQuery, "/api/..." strings) and SSE topic
    (sse.subscribe) in the bundle and its sources is declared in its permissions, as the
    compiled policy (--policy) judges it, and not malformed; calls around the SDK (fetch,
    EventSource) are findings. Paths and topics computed at run time are listed as
    undecided: not failures, but worth a look.
Declarations come from plugins.yaml (every tenant that installs the plugin, or --tenant),
or from a spec-style manifest (--manifest, or a plugin.json that has permissions).`,
  options: {
    plugin: { type: 'string', value: '<id>', help: 'plugin id, when the path does not say (a bare bundle file)' },
    tenant: { type: 'string', value: '<host>', help: 'check against this tenant\'s declaration only' },
    manifest: { type: 'string', value: '<file>', help: 'read the declarations from a spec-style manifest (YAML or JSON)' },
    'max-size': { type: 'string', value: '<size>', help: `size budget for the bundle, e.g. 256k, 1m (default ${formatSize(DEFAULT_MAX_SIZE)})` },
    ...settings.commonOptions('config', 'policy', 'host-version', 'mode', 'plugins-mount', 'json'),
  },
  positionals: { min: 1, max: 1 },
  exitCodes: [
    [EXIT.ok, 'every check passed (undecided notes may be listed)'],
    [EXIT.findings, 'at least one finding (one line each)'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: ['experience-plugins harness plugins/orders', 'experience-plugins harness plugins/orders/2.1.0/index.esm.js --max-size 64k', 'experience-plugins harness dist/index.esm.js --plugin my-plugin --manifest manifest.yaml'],
};

export interface HarnessReport {
  plugin: { id: string | undefined; version: string | undefined };
  bundle: string;
  size?: number;
  budget: number;
  sources: string[];
  declarations: string[];
  findings: Finding[];
  undecided: Finding[];
  passed: boolean;
}

/** Runs every harness check on a target, as a function. */
export async function runHarness(io: Io, values: Values, arg: string): Promise<HarnessReport> {
  const budgetArg = str(values, 'max-size');
  const budget = budgetArg === undefined ? DEFAULT_MAX_SIZE : parseSize(budgetArg);
  if (budget === undefined) throw new UsageError(`--max-size must be a size like 256k or 1m, got "${budgetArg}"`);
  const hostVersion = settings.hostVersion(io, values);
  const target = await resolveTarget(settings.fileRef(io, arg).abs, str(values, 'plugin'));
  const show = (abs: string) => settings.showPath(io.cwd, abs);
  const bundle = show(target.bundle);
  const findings: Finding[] = [];
  const undecided: Finding[] = [];
  const { declarations, problems } = await loadDeclarations(io, values, target);
  findings.push(...problems);

  const bytes = await readFile(target.bundle).catch(() => undefined);
  const scans: ScanResult[] = [];
  for (const file of target.sources) scans.push(await scanSource(show(file), await readFile(file, 'utf8')));
  let esm: EsmAnalysis | undefined;
  if (bytes === undefined) {
    findings.push({ code: 'bundle_missing', message: `bundle not found: ${bundle}${target.pluginJson ? ' (build it: node scripts/build-web.mjs --plugins)' : ''}` });
  } else {
    const text = bytes.toString('utf8');
    esm = await analyzeEsm(target.bundle);
    findings.push(...checkModule(esm, bundle, text), ...checkSize(bytes.length, budget, bundle));
    const scan = await scanSource(bundle, text);
    for (const at of scan.computedImports) undecided.push({ code: 'computed_import', message: 'import() of a computed specifier: its origin cannot be checked', at });
    scans.push(scan);
  }
  // The policy judges the paths and topics; it is read only when there are declarations to check,
  // and a policy that cannot be loaded is one more finding (the other checks still report).
  const tools = declarations.length > 0 ? await policyTools(io, values).catch((error: unknown) => unavailable(error)) : undefined;
  if (tools && !(tools instanceof PolicyTools)) findings.push(tools);
  for (const d of declarations) {
    const label = (list: Finding[]) => (declarations.length > 1 ? list.map((f) => ({ ...f, message: `[${d.label}] ${f.message}` })) : list);
    findings.push(...label(checkEngine(d, hostVersion)));
    if (esm) findings.push(...label(checkExports(d, esm, bundle)));
    if (!(tools instanceof PolicyTools)) continue;
    const usage = checkUsage(d, scans, tools);
    findings.push(...label(usage.findings));
    undecided.push(...label(usage.undecided));
  }
  if (declarations.length === 0) {
    // Nothing to check usage against, but the computed parts are still worth listing.
    for (const scan of scans) for (const u of scan.undecided) undecided.push({ code: 'computed', message: u.message, at: u.at });
  }
  const deduped = dedupe(findings);
  return {
    plugin: { id: target.id, version: target.version },
    bundle,
    ...(bytes ? { size: bytes.length } : {}),
    budget,
    sources: target.sources.map(show),
    declarations: declarations.map((d) => d.label),
    findings: deduped,
    undecided: dedupe(undecided),
    passed: deduped.length === 0,
  };
}

/** The policy could not be loaded: a finding, so the checks that do not need it still report. */
function unavailable(error: unknown): Finding {
  if (!(error instanceof AppError)) throw error;
  return { code: 'policy_unavailable', message: `${error.message} (it judges whether the paths and topics are declared)` };
}

function place(f: Finding): string {
  if (!f.at) return '';
  return f.at.line > 0 ? `${f.at.file}:${f.at.line}:${f.at.col}` : f.at.file;
}

/** One line per finding: `file:line:col  code  message`. */
function formatFinding(f: Finding): string {
  const more = f.also && f.also.length > 0 ? ` (and ${plural(f.also.length, 'more place')})` : '';
  return [place(f), f.code, f.message + more].filter((s) => s !== '').join('  ');
}

export const harnessCommand = command(harnessSpec, async (parsed, io) => {
  const report = await runHarness(io, parsed.values, parsed.positionals[0] as string);
  if (flag(parsed.values, 'json')) {
    writeJson(io, report);
  } else {
    const name = [report.plugin.id, report.plugin.version].filter(Boolean).join(' ');
    writeLines(io.stdout, [
      ...report.findings.map(formatFinding),
      ...report.undecided.map((u) => `undecided  ${formatFinding(u)}`),
      `harness ${parsed.positionals[0]}${name ? ` (${name})` : ''}: ${report.passed ? 'passed' : 'failed'}, ${plural(report.findings.length, 'finding')}, ${report.undecided.length} undecided` +
        `${report.size !== undefined ? `; ${formatSize(report.size)} of ${formatSize(report.budget)}` : ''}; ${plural(report.sources.length, 'source file')} and the bundle scanned`,
    ]);
  }
  return report.passed ? EXIT.ok : EXIT.findings;
});


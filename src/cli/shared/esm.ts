/**
 * Reads a bundle's exports and imports without running it: esbuild parses the file
 * (`bundle: false`, nothing written) and its metafile lists both. Bundles are untrusted code,
 * so they are never `import()`ed here.
 */
import { CliError } from './cli-error.js';

export interface EsmImport {
  path: string;
  kind: 'import-statement' | 'dynamic-import' | 'require-call' | string;
}

export type EsmAnalysis =
  | { ok: true; format: 'esm' | 'cjs' | 'unknown'; exports: string[]; imports: EsmImport[]; warnings: string[] }
  | { ok: false; message: string; line: number; col: number };

type Esbuild = typeof import('esbuild');
let esbuild: Promise<Esbuild> | undefined;

/** esbuild is a build tool (a devDependency): loaded on first use, with a clear message if absent. */
function loadEsbuild(): Promise<Esbuild> {
  esbuild ??= import('esbuild').catch((cause: unknown) => {
    esbuild = undefined;
    throw new CliError('esbuild is not installed: the bundle checks need it (npm ci installs it; validate --skip-bundles skips them)', { cause });
  });
  return esbuild;
}

/** Parses one file as an ES module; never throws for a bad file, only for a missing esbuild. */
export async function analyzeEsm(file: string): Promise<EsmAnalysis> {
  const { build } = await loadEsbuild();
  try {
    const result = await build({
      entryPoints: [file],
      bundle: false,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      outdir: 'out',
      loader: { '.js': 'js', '.mjs': 'js' },
    });
    const output = Object.values(result.metafile.outputs)[0];
    const input = Object.values(result.metafile.inputs)[0];
    return {
      ok: true,
      format: input?.format ?? 'unknown',
      exports: output?.exports ?? [],
      imports: (output?.imports ?? []).map((i) => ({ path: i.path, kind: i.kind })),
      warnings: result.warnings.map((w) => w.text),
    };
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
    if (first === undefined) throw error;
    return { ok: false, message: first.text, line: first.location?.line ?? 0, col: (first.location?.column ?? -1) + 1 };
  }
}

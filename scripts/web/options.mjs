// esbuild options every browser build shares. Deterministic output is a requirement: the same
// sources give the same bytes, so plugin integrity values stay stable.
export function baseOptions(cwd) {
  return {
    absWorkingDir: cwd,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    write: true,
    metafile: true,
  };
}

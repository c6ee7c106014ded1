import type { BuildOptions } from 'esbuild';

export function baseOptions(cwd: string): BuildOptions & { metafile: true; write: true };

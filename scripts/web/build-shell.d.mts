import type { BuildOptions, Metafile } from 'esbuild';

export interface ShellTarget {
  cwd: string;
  webDir: string;
}

export function shellBuildOptions(target: ShellTarget): BuildOptions & { metafile: true; write: true };
export function writeShellIndex(options: ShellTarget & { mode: string; hostVersion: string; metafile: Metafile }): Promise<void>;
export function buildShell(options: ShellTarget & { mode: string; hostVersion: string }): Promise<void>;

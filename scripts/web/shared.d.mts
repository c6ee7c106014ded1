import type { Plugin } from 'esbuild';

export const SHARED_BASE: string;
export const SHARED_MODULES: Readonly<Record<string, string>>;
export function sharedUrl(specifier: string): string;
export function sharedExternals(): Plugin;
export function sharedEntrySource(specifier: string, cwd: string): string;

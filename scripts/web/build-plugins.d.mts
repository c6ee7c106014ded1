import type { Plugin } from 'esbuild';

export interface PluginInfo {
  id: string;
  version: string;
  description?: string;
  components: string[];
}

export interface BuiltPlugin {
  id: string;
  version: string;
  file: string;
  integrity: string;
  /** The bundle's bytes (always set when built with `write: false`). */
  bytes: Uint8Array;
}

export function pluginBuildPlugins(cwd: string): Plugin[];
export function readPluginInfo(cwd: string, dir: string): Promise<PluginInfo>;
export function listPlugins(cwd: string): Promise<PluginInfo[]>;
export function bundlePath(cwd: string, info: PluginInfo): string;
export function integrityOf(bytes: Uint8Array): string;
export function buildPlugin(cwd: string, info: PluginInfo, options?: { write?: boolean }): Promise<BuiltPlugin>;

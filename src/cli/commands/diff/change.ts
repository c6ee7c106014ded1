/**
 * One finding of `diff`, and the file side it is read from. Every comparison (allow-lists,
 * contributions, limits, upstreams, grants) words its findings as these.
 */
import type { GrantsConfig, PluginsConfig } from '../../../config/index.js';
import type { FieldPath, YamlDoc } from '../../shared/index.js';

export interface DiffChange {
  /** The tenant host; absent for a finding about the whole file (upstreams). */
  tenant?: string;
  /** The plugin, for plugins.yaml findings under a tenant. */
  plugin?: string;
  /** The grants.yaml role or user whose grants changed: `role member`, `user carol`. */
  subject?: string;
  kind: 'plugin' | 'api' | 'sse' | 'route' | 'widget' | 'rateLimit' | 'integrity' | 'upstream' | 'grant';
  change: 'added' | 'widened' | 'changed' | 'narrowed' | 'removed';
  /** True when the new config allows something the old did not: any such finding makes `diff` exit 2. */
  widening: boolean;
  old?: string;
  new?: string;
  /** Why it counts, in words (e.g. "a parameter became a prefix"). */
  note?: string;
  /** Where the change is written: the new file for additions, the old one for removals. */
  location?: Location;
}

export interface Location {
  file: string;
  line: number;
  col: number;
  path: string;
}

/** One file of a comparison: its model, the name it was given (for positions) and its YAML document. */
export interface FileSide<T> {
  config: T;
  file: string;
  doc: YamlDoc;
}

/** One plugins.yaml. */
export type Side = FileSide<PluginsConfig>;

/** One grants.yaml. */
export type GrantsSide = FileSide<GrantsConfig>;

/** A field's position in one side, given its path below some fixed node. */
export type Locate = (path: FieldPath) => Location;

/** Records one finding; the caller fills in tenant, plugin or subject. */
export type Emit = (c: Omit<DiffChange, 'tenant' | 'plugin' | 'subject'>) => void;

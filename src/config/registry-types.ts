/**
 * The OPA data document compiled from plugins.yaml and grants.yaml: `data.registry`
 * (docs/contracts.md, "The OPA data document"). Field names are snake_case where Rego reads them.
 */
import type { Grant, RouteConfig, WidgetConfig } from './types.js';
import type { TemplateSegment } from './path-template.js';

export type { TemplateSegment };

export interface RegistryApiEntry {
  /** Upper-case method. */
  method: string;
  /** The template as written, e.g. `/api/orders/{id}`. */
  template: string;
  prefix: boolean;
  /** Whole segments; a prefix template's trailing `**` is not included. */
  segments: TemplateSegment[];
}

export interface RegistrySseEntry {
  prefix: string;
  /** The prefix split on `.`. */
  segments: string[];
}

/**
 * API entries of one shape: the same segment count and literal positions (and both exact, or both
 * prefix templates). A request can only match those under its own segments at `literals`.
 */
export interface ApiShape {
  /** The templates' segment count (a prefix template's trailing `**` not counted). */
  length: number;
  /** The positions (from 0) of the literal segments, ascending. */
  literals: number[];
  /** The literals at those positions joined by `/` -> indexes into `api`, ascending. */
  entries: Record<string, number[]>;
}

/**
 * Method -> the entries of that method by shape: `exact[n]` the shapes of exact templates with n
 * segments (`[]` for a count none has), `prefix` the shapes of prefix templates.
 */
export type ApiIndex = Record<string, { exact: ApiShape[][]; prefix: ApiShape[] }>;

/** A topic prefix (its segments joined by `.`) -> indexes into `sse`, ascending. */
export type SseIndex = Record<string, number[]>;

export interface RegistryPlugin {
  id: string;
  version: string;
  /** `engine.experience` satisfied by the host version (prereleases included). */
  compatible: boolean;
  /** The allow-list in file order (the explanations diagnose every entry). */
  api: RegistryApiEntry[];
  /** `api` indexed, so that a decision looks up its candidates instead of scanning (compile-index.ts). */
  api_index: ApiIndex;
  sse: RegistrySseEntry[];
  /** `sse` indexed by prefix. */
  sse_index: SseIndex;
  routes: RouteConfig[];
  widgets: WidgetConfig[];
  /**
   * Present only when the operator turned the plugin off (plugins.yaml `disabled`): the policy refuses it
   * (`plugin_disabled`) and leaves it out of the contributions. The reason is for explain, never a response.
   */
  disabled?: { reason: string };
}

export interface RegistryGrants {
  roles: Record<string, Grant[]>;
  users: Record<string, Grant[]>;
}

export interface RegistryTenant {
  /** Plugin id -> plugin. */
  plugins: Record<string, RegistryPlugin>;
  grants: RegistryGrants;
}

/** The value of `data.registry`. */
export interface Registry {
  host_version: string;
  /** Tenant host -> tenant; every tenant named in either file. */
  tenants: Record<string, RegistryTenant>;
}

/** The whole OPA data document: `{ "registry": ... }`. */
export interface RegistryDocument {
  registry: Registry;
}

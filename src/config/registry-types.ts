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

export interface RegistryPlugin {
  id: string;
  version: string;
  /** `engine.experience` satisfied by the host version (prereleases included). */
  compatible: boolean;
  api: RegistryApiEntry[];
  sse: RegistrySseEntry[];
  routes: RouteConfig[];
  widgets: WidgetConfig[];
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

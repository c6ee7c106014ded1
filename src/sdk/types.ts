import type { ApiFetch, ApiJson, PluginUseQuery } from './api/index.js';
import type { PluginAuthz } from './authz/index.js';
import type { PluginSse } from './sse/index.js';
import type { PluginLogger, PluginTelemetry } from './telemetry/index.js';

/** One plugin's SDK: every call is made as, and tagged with, `pluginId`. Frozen. */
export interface PluginSdk {
  readonly pluginId: string;
  readonly api: {
    readonly fetch: ApiFetch;
    readonly json: ApiJson;
    readonly useQuery: PluginUseQuery;
    /** Marks this plugin's cached queries stale: all of them, or those of one path. */
    readonly invalidate: (path?: string) => Promise<void>;
  };
  readonly sse: PluginSse;
  readonly authz: PluginAuthz;
  readonly logger: PluginLogger;
  readonly telemetry: PluginTelemetry;
}

/** What the host passes to every component a plugin contributes. */
export interface PluginComponentProps {
  sdk: PluginSdk;
}

/** Widgets also learn which slot they are in. */
export interface PluginWidgetProps extends PluginComponentProps {
  slot: string;
}

import type { QueryClient } from '@tanstack/react-query';
import { createApiFetch, createApiJson, createInvalidate, createUseQuery } from './api/index.js';
import { createAuthz } from './authz/index.js';
import type { SdkContext } from './context.js';
import { PLUGIN_ID } from './plugin-id.js';
import { createSse, type SseTiming } from './sse/index.js';
import { createLogger, createTelemetry, type TelemetrySink } from './telemetry/index.js';
import type { PluginSdk } from './types.js';

export interface CreatePluginSdkOptions {
  pluginId: string;
  /** The host page origin; requests anywhere else are refused. */
  origin: string;
  /** The host's single react-query client. */
  queryClient: QueryClient;
  /** Where logs and telemetry go; the host decides. */
  sink: TelemetrySink;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  sseTiming?: SseTiming;
}

/**
 * Creates the SDK instance for one plugin, bound to its id and frozen. The host keeps the
 * instances; a plugin only ever receives its own (as the `sdk` prop of its components), and
 * nothing in the SDK can look up another plugin's.
 */
export function createPluginSdk(options: CreatePluginSdkOptions): PluginSdk {
  const { pluginId } = options;
  if (!PLUGIN_ID.test(pluginId)) throw new TypeError(`invalid plugin id: ${JSON.stringify(pluginId)}`);
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const ctx: SdkContext = Object.freeze({ pluginId, origin: new URL(options.origin).origin, fetch: platformFetch });
  const logger = createLogger(pluginId, options.sink);
  const telemetry = createTelemetry(pluginId, options.sink);
  const apiFetch = createApiFetch(ctx);
  const json = createApiJson(ctx, apiFetch);
  return Object.freeze({
    pluginId,
    api: Object.freeze({
      fetch: apiFetch,
      json,
      useQuery: createUseQuery(pluginId, json, telemetry, options.queryClient),
      invalidate: createInvalidate(pluginId, options.queryClient),
    }),
    sse: Object.freeze(createSse(ctx, logger, options.sseTiming)),
    authz: createAuthz(json),
    logger,
    telemetry,
  });
}

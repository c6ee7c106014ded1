import { QueryClient } from '@tanstack/react-query';
import { createPluginLoader, type LoaderError, type PluginLoader } from '../../loader/index.js';
import {
  createBatchingSink, createConsoleSink, createLogger, createPluginSdk, teeSink,
  type BatchingSink, type PluginSdk, type TelemetrySink,
} from '../../sdk/index.js';
import { SESSION_KEY } from '../session/session-api.js';
import type { HostConfig } from './meta.js';

/** The tag the shell's own telemetry carries (plugins carry their id). */
export const SHELL_TAG = 'experience-shell';

export interface Host extends HostConfig {
  queryClient: QueryClient;
  loader: PluginLoader;
  sink: TelemetrySink;
  /** The SDK instance of one plugin, created on first use and kept for the page's life. */
  sdkFor(pluginId: string): PluginSdk;
  /** Logs a plugin failure and reports it through telemetry, tagged with the plugin at fault. */
  reportFailure(pluginId: string, name: 'plugin.load_failed' | 'plugin.render_failed', error: unknown, data?: Record<string, unknown>): void;
}

/**
 * Everything the shell shares: one QueryClient, one telemetry sink, the loader, and the SDK
 * instances. The instances live in a closure here; the shell hands each plugin component its
 * own instance as a prop, and nothing reachable from a plugin can enumerate the others.
 */
export function createHost(config: HostConfig, platform: { fetch?: typeof fetch; window?: Window } = {}): Host {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false, retry: false } },
  });
  const platformFetch = platform.fetch ?? globalThis.fetch.bind(globalThis);
  // A 401 from any BFF call means the session ended (expired, logged out elsewhere, refresh
  // refused): ask again who is signed in, so the shell goes through sign-in back to this page.
  const fetchImpl: typeof fetch = async (input, init) => {
    const res = await platformFetch(input, init);
    if (res.status === 401) void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    return res;
  };
  const batching: BatchingSink = createBatchingSink({ fetch: fetchImpl });
  const sink = config.mode === 'development' ? teeSink(batching, createConsoleSink()) : batching;
  platform.window?.addEventListener('pagehide', () => void batching.flush({ keepalive: true }));

  const sdks = new Map<string, PluginSdk>();
  const shellLog = createLogger(SHELL_TAG, sink);

  const host: Host = {
    ...config,
    queryClient,
    sink,
    loader: createPluginLoader({
      origin: config.origin,
      mode: config.mode,
      hostVersion: config.version,
      fetch: fetchImpl,
      report: (p: LoaderError) => host.reportFailure(p.pluginId || SHELL_TAG, 'plugin.load_failed', p),
    }),
    sdkFor(pluginId) {
      let sdk = sdks.get(pluginId);
      if (!sdk) {
        sdk = createPluginSdk({ pluginId, origin: config.origin, queryClient, sink, fetch: fetchImpl });
        sdks.set(pluginId, sdk);
      }
      return sdk;
    },
    reportFailure(pluginId, name, error, data) {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      const detail = { ...data, error: e.name, ...(typeof code === 'string' ? { code } : {}) };
      sink.send({ plugin: pluginId, kind: 'event', name, message: e.message.slice(0, 2000), data: detail, ts: new Date().toISOString() });
      shellLog.warn(`${name}: ${e.message}`.slice(0, 2000), { plugin: pluginId, ...detail });
      console.warn(`[experience] ${name} (${pluginId}): ${e.message}`);
    },
  };
  return host;
}

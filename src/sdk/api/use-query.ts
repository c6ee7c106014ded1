import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { SdkError } from '../errors/index.js';
import type { PluginTelemetry } from '../telemetry/index.js';
import type { ApiJson } from './json.js';
import { queryKeyFor, queryOptionsFor, type PluginQueryOptions } from './query-options.js';

export interface PluginQueryResult<T> {
  status: 'pending' | 'error' | 'success';
  data: T | undefined;
  error: SdkError | null;
  /** First load in flight (no data yet). */
  isLoading: boolean;
  /** Any fetch in flight, including background refreshes. */
  isFetching: boolean;
  refetch(): void;
}

/**
 * A React hook: GET `path` as JSON through `api.fetch`. Requests for the same path are
 * de-duplicated and cached (react-query, one client per host, keys namespaced by plugin id).
 * Pass `null` to wait (e.g. until a selection exists).
 *
 * @example
 * const orders = sdk.api.useQuery<Order[]>('/api/orders', { metric: 'orders.list' });
 * if (orders.isLoading) return <p>Loading</p>;
 * if (orders.error) return <p>{orders.error.message}</p>;
 */
export type PluginUseQuery = <T = unknown>(path: string | null, options?: PluginQueryOptions) => PluginQueryResult<T>;

export function createUseQuery(
  pluginId: string, json: ApiJson, telemetry: PluginTelemetry, client: QueryClient,
): PluginUseQuery {
  return function usePluginQuery<T>(path: string | null, options: PluginQueryOptions = {}): PluginQueryResult<T> {
    const q = useQuery<T, SdkError>(queryOptionsFor<T>(pluginId, path, options, json, telemetry), client);
    return {
      status: q.status,
      data: q.data,
      error: q.error,
      isLoading: q.isLoading,
      isFetching: q.isFetching,
      refetch: () => void q.refetch(),
    };
  };
}

/** `api.invalidate`: marks this plugin's cached queries stale (all, or one path). */
export function createInvalidate(pluginId: string, client: QueryClient) {
  return (path?: string): Promise<void> => client.invalidateQueries({ queryKey: queryKeyFor(pluginId, path) });
}

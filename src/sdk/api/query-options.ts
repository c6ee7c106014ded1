import type { QueryFunctionContext } from '@tanstack/react-query';
import { HttpError, NetworkError, RateLimitError } from '../errors/index.js';
import type { PluginTelemetry } from '../telemetry/index.js';
import type { ApiJson } from './json.js';

export interface PluginQueryOptions {
  /** Default true; a `null` path also disables the query. */
  enabled?: boolean;
  /** How long data counts as fresh. Default 10 s. */
  staleTime?: number;
  /** Poll every so many milliseconds. */
  refetchInterval?: number | false;
  /** When set, every fetch is timed and sent as a telemetry metric with this name. */
  metric?: string;
}

/** Every key starts with the owning plugin's id, so plugins share one cache but never entries. */
export function queryKeyFor(pluginId: string, path?: string): readonly string[] {
  return path === undefined ? ['plugin', pluginId] : ['plugin', pluginId, 'GET', path];
}

/** The react-query options behind `api.useQuery`; a pure function, so it is tested in Node. */
export function queryOptionsFor<T>(
  pluginId: string, path: string | null, options: PluginQueryOptions, json: ApiJson, telemetry: PluginTelemetry,
) {
  return {
    queryKey: queryKeyFor(pluginId, path ?? ''),
    queryFn: ({ signal }: QueryFunctionContext) => {
      const run = () => json<T>(path ?? '', { signal });
      return options.metric ? telemetry.time(options.metric, run, { path }) : run();
    },
    enabled: path !== null && options.enabled !== false,
    staleTime: options.staleTime ?? 10_000,
    refetchInterval: options.refetchInterval ?? false,
    retry: shouldRetry,
    retryDelay,
  };
}

/** Retry what may heal (network, 5xx, 429) twice; a 4xx such as an allow-list 403 never. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (error instanceof NetworkError || error instanceof RateLimitError) return true;
  return error instanceof HttpError && error.status >= 500;
}

export function retryDelay(failureCount: number, error: unknown): number {
  if (error instanceof RateLimitError && error.retryAfter !== undefined) return error.retryAfter * 1000;
  return Math.min(1000 * 2 ** failureCount, 8000);
}

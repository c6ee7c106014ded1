export { createApiFetch, resolveSameOrigin, type ApiFetch, type ApiRequestInit } from './fetch.js';
export { createApiJson, type ApiJson } from './json.js';
export { queryKeyFor, queryOptionsFor, shouldRetry, retryDelay, type PluginQueryOptions } from './query-options.js';
export { createUseQuery, createInvalidate, type PluginQueryResult, type PluginUseQuery } from './use-query.js';

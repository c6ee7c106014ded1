export type * from './types.js';
export type * from './state.js';
export { ENTRYPOINTS, type EntrypointName } from './entrypoints.js';
export { EngineLoadError } from './errors.js';
export { isEngineFailure } from './failures.js';
export type { EngineLogger } from './logger.js';
export { createWasmEngine, WasmEngine, type WasmEngineOptions } from './wasm-engine.js';
export type { ApiCacheOptions } from './api-cache.js';
export { createReloader, type Reloader, type ReloaderOptions } from './reloader.js';

export type * from './types.js';
export type * from './state.js';
export { ENTRYPOINTS, type EntrypointName } from './entrypoints.js';
export { EngineLoadError, type EngineLoadCode } from './errors.js';
export { isEngineFailure } from './failures.js';
export { createWasmEngine, WasmEngine, type WasmEngineOptions } from './wasm-engine.js';
export type { EngineData, EngineDataShard } from './data.js';
export type { ApiCacheOptions } from './api-cache.js';

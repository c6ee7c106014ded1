/**
 * Snapshots of the platform's state (src/engine/state.ts) built from the files: plugins.yaml,
 * grants.yaml and policy.wasm read, validated and compiled in a child process, the engine loaded
 * a shard per event-loop turn, and a new snapshot swapped in atomically when the files change.
 * The engine knows nothing of files or YAML; this is where they meet.
 */
export { createReloader, type Reloader, type ReloaderOptions } from './reloader.js';
export { loadIssues } from './load-failure.js';
export { SnapshotBuildError, type SnapshotBuildCode } from './errors.js';
export type { ReloadLogger } from './logger.js';

import { AppError } from '../errors/index.js';

/** Why building a snapshot failed other than for a config or policy issue: stable codes, shown in /readyz. */
export type SnapshotBuildCode =
  /** The build did not finish within the reload timeout (RELOAD_TIMEOUT_MS); its process was killed. */
  | 'snapshot_build_timeout'
  /** The process building it stopped without an answer (crashed, ran out of memory, exited), or could not start. */
  | 'snapshot_build_crashed'
  /** The reloader was closed while it ran. */
  | 'snapshot_build_cancelled';

/** A snapshot could not be built; the serving one keeps serving. The message names no path. */
export class SnapshotBuildError extends AppError {
  declare readonly code: SnapshotBuildCode;

  constructor(code: SnapshotBuildCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

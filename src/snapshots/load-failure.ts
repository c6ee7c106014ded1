/**
 * How a failed load is reported: every problem as an issue naming its file the way the
 * operator configured it (never the path resolved against the working directory), for the
 * start-up message, the reload log line and /readyz alike.
 */
import { ConfigError, formatIssue } from '../config/index.js';
import type { ConfigIssue } from '../config/types.js';
import { EngineLoadError } from '../engine/index.js';
import { SnapshotBuildError } from './errors.js';

/** The three files: where they are read, and how messages name them (default: as read). */
export interface LoadFiles {
  pluginsFile: string;
  grantsFile: string;
  policyFile: string;
  shownFiles?: { plugins?: string; grants?: string; policy?: string };
}

/**
 * The error with its files named as configured: a ConfigError's issues renamed, an
 * EngineLoadError given the policy file. Any other error is returned as it is.
 */
export function nameFiles(error: unknown, files: LoadFiles): unknown {
  const shown = files.shownFiles ?? {};
  if (error instanceof ConfigError) {
    const names = new Map([
      [files.pluginsFile, shown.plugins ?? files.pluginsFile],
      [files.grantsFile, shown.grants ?? files.grantsFile],
    ]);
    return new ConfigError(error.issues.map((i) => ({ ...i, file: names.get(i.file) ?? i.file })), { cause: error.cause });
  }
  if (error instanceof EngineLoadError) return error.withFile(shown.policy ?? files.policyFile);
  return error;
}

/** Every problem of a failed load, one issue each: the config's issues, or the policy module's one. */
export function loadIssues(error: ConfigError | EngineLoadError): readonly ConfigIssue[] {
  if (error instanceof ConfigError) return error.issues;
  return [{ code: error.code, file: error.file ?? '', line: 0, col: 0, path: '', message: error.message }];
}

/** A failed load as the reloader reports it: a one-line summary and the issues (never empty). */
export function describeLoadFailure(error: unknown, files: LoadFiles): { summary: string; issues: readonly ConfigIssue[] } {
  const named = nameFiles(error, files);
  if (named instanceof ConfigError) return { summary: named.message, issues: named.issues };
  if (named instanceof EngineLoadError) {
    const issues = loadIssues(named);
    return { summary: issues.map(formatIssue).join('; '), issues };
  }
  // No file is at fault: the build itself did not finish (timeout, crashed build process, closed).
  if (named instanceof SnapshotBuildError) {
    return { summary: named.message, issues: [{ code: named.code, file: '', line: 0, col: 0, path: '', message: named.message }] };
  }
  // Not an operator's mistake but a fault here: the log has the error, /readyz only says so.
  const summary = named instanceof Error ? named.message : String(named);
  return { summary, issues: [{ code: 'internal_error', file: '', line: 0, col: 0, path: '', message: 'unexpected error while loading (see the log)' }] };
}

/**
 * Production entry point: `node dist/server/main.js`. Settings from the environment (see
 * settings.ts); exits non-zero with a clear message when they or the first load are invalid.
 */
import { ConfigError } from '../config/index.js';
import type { ConfigIssue } from '../config/types.js';
import { EngineLoadError } from '../engine/index.js';
import { loadIssues } from '../snapshots/index.js';
import { SettingsError, loadSettings } from './settings.js';
import { startServer } from './start.js';

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`experience-bff: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const running = await startServer({ settings });
  let stopping = false;
  // The first signal drains (up to SHUTDOWN_TIMEOUT_MS); a second one exits at once.
  const shutdown = (signal: string) => {
    if (stopping) {
      running.logger.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      running.logger.flush();
      process.exit(1);
    }
    stopping = true;
    running.logger.info({ signal }, 'signal received');
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** An issue as the start-up message prints it: where, its stable code (README "Error codes"), then what is wrong. */
function startupLine(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return ['', where, `[${issue.code}]`, ...(issue.path ? [issue.path] : []), issue.message].join('  ');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EngineLoadError) {
    const what = error instanceof ConfigError ? 'the configuration is invalid' : 'the policy cannot be loaded';
    process.stderr.write(`experience-bff: ${what}:\n${loadIssues(error).map(startupLine).join('\n')}\n`);
  } else {
    process.stderr.write(`experience-bff: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});

import { InputError } from '../errors/index.js';
import { formatIssue } from './issue.js';
import type { ConfigIssue } from './types.js';

/**
 * A config file (or both) was refused. Carries every issue found; the message names how many
 * and the first, so a log line alone is enough to start fixing.
 */
export class ConfigError extends InputError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super('config_invalid', summarise(issues), options);
    this.issues = issues;
  }
}

function summarise(issues: readonly ConfigIssue[]): string {
  const first = issues[0];
  if (first === undefined) return 'config invalid';
  const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
  return `config invalid (${count}); first: ${formatIssue(first)}`;
}

import { AppError } from '../../errors/index.js';

/**
 * A failure the user can fix (a missing file, an input that is not a manifest list): printed
 * as one line without a stack trace, exit 1.
 */
export class CliError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('cli_error', message, options);
  }
}

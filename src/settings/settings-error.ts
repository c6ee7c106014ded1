import { InputError } from '../errors/index.js';

/**
 * A setting (environment variable, or the CLI flag standing in for one) has a value it refuses.
 * The message starts with the name it was given by, e.g. `NODE_ENV must be ...` or `--mode must be ...`.
 */
export class SettingsError extends InputError {
  constructor(message: string) {
    super('invalid_setting', message);
  }
}

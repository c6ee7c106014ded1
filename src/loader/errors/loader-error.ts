import { AppError } from '../../errors/index.js';

/**
 * Base of the loader's errors. `pluginId` names the plugin at fault (empty when the whole
 * discovery failed), so an error panel or a log line is enough to find it.
 */
export class LoaderError extends AppError {
  readonly pluginId: string;

  constructor(code: string, pluginId: string, message: string, options?: { cause?: unknown }) {
    super(code, pluginId ? `plugin "${pluginId}": ${message}` : message, options);
    this.pluginId = pluginId;
  }
}

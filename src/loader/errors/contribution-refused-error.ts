import { LoaderError } from './loader-error.js';

/** One route or widget the host will not mount: reserved or duplicate path, malformed slot. */
export class ContributionRefusedError extends LoaderError {
  constructor(pluginId: string, message: string) {
    super('contribution_refused', pluginId, message);
  }
}

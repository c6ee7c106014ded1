import { LoaderError } from './loader-error.js';

/** `GET /api/plugins/manifests` failed; `status` 401 means the session is gone. */
export class DiscoveryError extends LoaderError {
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super('discovery_failed', '', `plugin discovery failed: ${message}`, options);
    this.status = options.status;
  }
}

import { LoaderError } from './loader-error.js';

/** The bundle could not be imported (HTTP error, integrity mismatch, syntax error, throw at top level). */
export class BundleLoadError extends LoaderError {
  readonly url: string;
  /** The bundle route's status when the loader could find it out (409 = integrity mismatch). */
  readonly status: number | undefined;

  constructor(pluginId: string, url: string, detail: string, options: { cause?: unknown; status?: number } = {}) {
    super('bundle_load_failed', pluginId, `bundle ${url} failed to load: ${detail}`, options);
    this.url = url;
    this.status = options.status;
  }
}

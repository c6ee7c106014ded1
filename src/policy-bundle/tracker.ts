/** Counts a source's successes and refusals, for its status(). */
import { EngineLoadError } from '../engine/errors.js';
import type { PolicyBundleStatus } from './types.js';

export class BundleTracker {
  #status: PolicyBundleStatus;

  constructor(source: PolicyBundleStatus['source'], signed: boolean) {
    this.#status = Object.freeze({ source, signed, refused: Object.freeze({}) });
  }

  status(): PolicyBundleStatus {
    return this.#status;
  }

  succeeded(revision: string, at = new Date()): void {
    this.#status = Object.freeze({ ...this.#status, lastSuccessAt: at.toISOString(), revision });
  }

  /** Records a refusal when `error` is a bundle's (policy_bundle_*); returns the error, to be thrown. */
  refused(error: unknown, at = new Date()): unknown {
    if (error instanceof EngineLoadError && error.code.startsWith('policy_bundle_')) {
      const refused = Object.freeze({ ...this.#status.refused, [error.code]: (this.#status.refused[error.code] ?? 0) + 1 });
      const lastRefusal = Object.freeze({ at: at.toISOString(), code: error.code, message: error.message });
      this.#status = Object.freeze({ ...this.#status, refused, lastRefusal });
    }
    return error;
  }
}

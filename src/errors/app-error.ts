/**
 * Base for every typed error in the platform. `code` is stable (documented in the README);
 * the HTTP layer maps codes to statuses in one place, so nothing here knows about HTTP.
 */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input from a file or a request (config, policy, query parameter). */
export class InputError extends AppError {}

/** The caller is known but may not do this. */
export class NotAllowedError extends AppError {}

/** The thing asked for does not exist (or must look as if it did not). */
export class NotFoundError extends AppError {}

/** The request conflicts with the stored state (e.g. bundle integrity mismatch). */
export class ConflictError extends AppError {}

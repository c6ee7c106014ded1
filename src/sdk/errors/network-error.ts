import { SdkError, type SdkErrorContext } from './sdk-error.js';

/** The request never produced a response (offline, connection reset, aborted stream). */
export class NetworkError extends SdkError {
  constructor(context: SdkErrorContext) {
    const reason = context.cause instanceof Error ? context.cause.message : String(context.cause);
    super('network_error', `network failure: ${reason}`, context);
  }
}

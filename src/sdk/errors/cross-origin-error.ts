import { SdkError, type SdkErrorContext } from './sdk-error.js';

/** Thrown before any request is sent: plugins may only call their own origin (the BFF). */
export class CrossOriginRequestError extends SdkError {
  constructor(context: SdkErrorContext) {
    super('cross_origin', 'plugins may only call same-origin URLs (the BFF); refused before sending', context);
  }
}

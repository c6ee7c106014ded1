export { SdkError, type SdkErrorContext } from './sdk-error.js';
export { HttpError, type HttpErrorDetails } from './http-error.js';
export { AllowlistViolationError } from './allowlist-violation-error.js';
export { RateLimitError } from './rate-limit-error.js';
export { CrossOriginRequestError } from './cross-origin-error.js';
export { NetworkError } from './network-error.js';
export { TopicDeniedError } from './topic-denied-error.js';
export { errorFromResponse } from './from-response.js';

import { HttpError, type HttpErrorDetails } from './http-error.js';

/**
 * The BFF refused an SSE subscription (403 `topic_not_allowed`): at least one topic is outside
 * the plugin's declared prefixes. The SDK does not retry it; retrying cannot succeed.
 */
export class TopicDeniedError extends HttpError {
  readonly topics: readonly string[];

  constructor(details: HttpErrorDetails & { topics: readonly string[] }) {
    super(details, 'topic_not_allowed');
    this.topics = Object.freeze([...details.topics]);
  }
}

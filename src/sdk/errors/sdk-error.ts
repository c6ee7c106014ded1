import { AppError } from '../../errors/index.js';

/** Where a failed SDK call came from: which plugin asked for what. */
export interface SdkErrorContext {
  pluginId: string;
  method: string;
  url: string;
  cause?: unknown;
}

/**
 * Base of every error the plugin SDK throws. It always says which plugin made which call,
 * so a log line or an error panel is enough to find the culprit.
 */
export class SdkError extends AppError {
  readonly pluginId: string;
  readonly method: string;
  readonly url: string;

  constructor(code: string, detail: string, context: SdkErrorContext) {
    super(code, `[${context.pluginId}] ${context.method} ${context.url}: ${detail}`, { cause: context.cause });
    this.pluginId = context.pluginId;
    this.method = context.method;
    this.url = context.url;
  }
}

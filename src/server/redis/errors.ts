/**
 * Why a Redis call did not give an answer. Internal: the stores turn it into the typed error
 * of their own (sessions: 503 `session_store_unavailable`), or into their fallback (the rate
 * limiter's local buckets). Never shown to a client.
 */
export type RedisFailure = 'down' | 'timeout' | 'error';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  /** `down`: not tried (the connection is down); `timeout`: no answer in time; `error`: the call failed. */
  readonly reason: RedisFailure;

  constructor(reason: RedisFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Redis could not be reached at start-up (and the operator did not opt into starting without it). */
export class RedisStartError extends Error {
  override readonly name = 'RedisStartError';
}

/** The URL without its password or user name: what logs and messages may show. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    return parsed.href.replace(/\/$/, '');
  } catch {
    return 'redis://<unparseable>';
  }
}

import type { SendCommand } from './clients.js';
import { keyOf, readStreamInfo, type StreamInfo } from './entries.js';

/** XINFO STREAM of a tenant's stream; undefined when there is no such stream. */
export async function streamInfo(send: SendCommand, tenant: string): Promise<StreamInfo | undefined> {
  try {
    return readStreamInfo(await send(['XINFO', 'STREAM', keyOf(tenant)]));
  } catch (error) {
    // The shared connection wraps the server's answer (RedisUnavailableError `error`, cause: the reply).
    const cause = error instanceof Error ? error.cause : undefined;
    if ([error, cause].some((e) => e instanceof Error && /no such key/i.test(e.message))) return undefined;
    throw error;
  }
}

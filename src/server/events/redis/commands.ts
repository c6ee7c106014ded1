import type { RedisConnection } from './clients.js';
import { keyOf, readStreamInfo, type StreamInfo } from './entries.js';

/** XINFO STREAM of a tenant's stream; undefined when there is no such stream. */
export async function streamInfo(connection: RedisConnection, tenant: string, timeout: number): Promise<StreamInfo | undefined> {
  try {
    return readStreamInfo(await connection.sendCommand(['XINFO', 'STREAM', keyOf(tenant)], { timeout }));
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return undefined;
    throw error;
  }
}

import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.js';

/** A Lua script run by its SHA1 (EVALSHA): one round trip, atomic on the server. */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

export function defineScript(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * EVALSHA, and EVAL once when Redis does not know the script (a restarted or flushed Redis
 * forgets loaded scripts; EVAL loads it again for the next EVALSHA).
 */
export async function runScript(client: RedisClient, script: Script, keys: string[], args: string[]): Promise<unknown> {
  // Plain commands: scripts run on hot paths (the rate limiter), where node-redis's typed wrappers cost more than the call.
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await client.sendCommand(['EVALSHA', script.sha, ...tail]);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return client.sendCommand(['EVAL', script.source, ...tail]);
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import { runScript, type RedisClient } from '../redis/index.js';
import { RELEASE } from './redis-scripts.js';
import type { HeldLock, RefreshLocks } from './types.js';

/** `xp:refresh:<session key>`: beside the record `xp:s:<session key>`. */
const LOCK = 'xp:refresh:';

/** How the store runs a command: its own error mapping (503 `session_store_unavailable`). */
export type StoreRun = <T>(call: (client: RedisClient) => Promise<T>) => Promise<T>;

/**
 * Refresh locks in Redis: `SET NX PX` with a random holder, released by a compare-and-delete
 * script, so a holder whose lock expired never frees the next holder's. Redis failing is the
 * store's error (the caller fails closed), never "not held".
 */
export class RedisRefreshLocks implements RefreshLocks {
  readonly #run: StoreRun;

  constructor(run: StoreRun) {
    this.#run = run;
  }

  async acquire(key: string, ttlMs: number): Promise<HeldLock | undefined> {
    const name = LOCK + key;
    const holder = randomBytes(16).toString('base64url');
    const reply = await this.#run((c) => c.sendCommand(['SET', name, holder, 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]));
    if (reply === null) return undefined;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.#run((c) => runScript(c, RELEASE, [name], [holder]));
      },
    };
  }
}

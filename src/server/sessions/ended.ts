/**
 * Every replica hears of every session that ends anywhere (logout, back-channel logout, idle
 * end, a refused refresh), and closes that session's SSE streams: the Redis store's delete
 * publishes `<ms> <sid>` on ENDED_CHANNEL and logs it in ENDED_LOG (a sorted set by Redis
 * time), in the same script. Pub/sub keeps nothing for a subscriber that was away, so after a
 * reconnection the log is read from the last message heard (less a margin) onwards: a stream
 * whose session ended while this replica was cut off closes as soon as it is back.
 */
import type { Logger } from 'pino';
import type { RedisConnection } from '../redis/index.js';
import { ENDED_CHANNEL, ENDED_LOG } from './redis-store.js';

/** Replicas' clocks do not matter (scores are Redis time); this covers a message in flight at the cut. */
const CATCH_UP_MARGIN_MS = 5000;

/** Calls `onEnded(sid)` for every session ended on any replica (this one's too); returns the unsubscribe function. */
export function watchSessionEnds(redis: RedisConnection, onEnded: (sid: string) => void, logger: Logger): () => Promise<void> {
  const log = logger.child({ source: 'sessions' });
  // Redis time of the last message heard, or of the subscription: where a catch-up starts.
  let heard: number | undefined;
  const redisNow = () => redis.run(async (c) => {
    const [seconds, micros] = (await c.time()) as unknown as [string, string];
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  });

  const listener = (message: string) => {
    const space = message.indexOf(' ');
    const at = Number(message.slice(0, space));
    const sid = message.slice(space + 1);
    if (space < 1 || !Number.isFinite(at) || !sid) return;
    heard = Math.max(heard ?? 0, at);
    onEnded(sid);
  };

  const catchUp = async () => {
    const from = heard === undefined ? undefined : heard - CATCH_UP_MARGIN_MS;
    try {
      if (from !== undefined) {
        const sids = await redis.run((c) => c.zRangeByScore(ENDED_LOG, from, '+inf'));
        for (const sid of sids) onEnded(String(sid));
        if (sids.length > 0) log.info({ sessions: sids.length }, 'caught up on sessions ended while the subscriber was away');
      }
      heard = Math.max(heard ?? 0, await redisNow());
    } catch (error) {
      // The connection is down again: the next reconnection tries again from the same point.
      log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not catch up on ended sessions yet');
    }
  };

  const unsubscribe = redis.subscribe(ENDED_CHANNEL, listener, () => void catchUp());
  // Also when the command connection is back (a catch-up needs it), and now: the starting point.
  const off = redis.onStateChange((state) => {
    if (state === 'up') void catchUp();
  });
  if (redis.state === 'up') void catchUp();
  return async () => {
    off();
    await unsubscribe();
  };
}

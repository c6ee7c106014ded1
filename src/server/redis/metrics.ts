import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisConnection } from './connection.js';

export interface StoreMetrics {
  /** `experience_rate_limit_local_decisions_total`: calls the local fallback limiter decided (Redis down). */
  readonly localDecisions: Counter;
}

/** `experience_store_up{store="redis"}` (1 while Redis answers, 0 while it is down) and the fallback counter. */
export function registerStoreMetrics(registry: Registry, connection: Pick<RedisConnection, 'state'>): StoreMetrics {
  new Gauge({
    name: 'experience_store_up',
    help: 'Shared store state: 1 up, 0 down (sessions answer 503 session_store_unavailable, rate limits are local)',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      this.set({ store: 'redis' }, connection.state === 'up' ? 1 : 0);
    },
  });
  return {
    localDecisions: new Counter({
      name: 'experience_rate_limit_local_decisions_total',
      help: 'Plugin calls whose rate limit was decided by the local fallback (Redis down): each replica allows 1/REPLICAS of the limit',
      registers: [registry],
    }),
  };
}

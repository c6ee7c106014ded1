import { Gauge, type Registry } from 'prom-client';
import type { RedisConnection } from './connection.js';

/** `experience_store_up{store="redis"}`: 1 while Redis answers, 0 while it is down. */
export function registerStoreMetrics(registry: Registry, connection: Pick<RedisConnection, 'state'>): void {
  new Gauge({
    name: 'experience_store_up',
    help: 'Shared store state: 1 up, 0 down (sessions answer 503 session_store_unavailable, rate limits are local)',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      this.set({ store: 'redis' }, connection.state === 'up' ? 1 : 0);
    },
  });
}

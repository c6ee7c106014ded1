import type { Logger } from 'pino';
import type { SnapshotSource } from '../engine/state.js';
import type { IdentityProvider } from './auth/types.js';
import type { BundleStore } from './bundles/store.js';
import type { StreamRegistry } from './events/streams.js';
import type { EventHub } from './events/types.js';
import type { BffMetrics } from './metrics/index.js';
import type { Sessions } from './middleware/session/index.js';
import type { UpstreamAgents } from './proxy/forward.js';
import type { RateLimiter } from './ratelimit/index.js';
import type { RedisConnection } from './redis/index.js';
import type { ServerSettings } from './settings.js';

/** Everything the routes share, built once per app by createApp. */
export interface AppDeps {
  settings: ServerSettings;
  source: SnapshotSource;
  logger: Logger;
  metrics: BffMetrics;
  limiter: RateLimiter;
  hub: EventHub;
  streams: StreamRegistry;
  sessions: Sessions;
  bundles: BundleStore;
  agents: UpstreamAgents;
  providers: ReadonlyMap<string, IdentityProvider>;
  /** The Redis the replicas share (REDIS_URL); undefined: state in this process. */
  redis: Pick<RedisConnection, 'state' | 'since'> | undefined;
  /** `draining` from the start of a graceful stop (readyz then answers 503). */
  lifecycle: { readonly draining: boolean };
}

/**
 * `make run-cluster`: what `make run` starts, as a deployment with several replicas runs it, for a
 * local look: a redis-server (or REDIS_URL), three BFF replicas (`node dist/server/main.js`,
 * TRUST_PROXY=true, each on a free loopback port) sharing it, HAProxy on
 * config/haproxy/haproxy.cfg in front of them on http://localhost:8080 (PORT), and the demo OpenID
 * provider, upstream and publisher (which publishes through the load balancer). Ctrl-C stops
 * everything, in reverse order: publisher, HAProxy, the replicas (graceful), Redis, demo services.
 *
 * One JSON line per event on stdout: the replicas' log lines tagged `replica`, HAProxy's request
 * log, and `cluster ready` with the addresses and the replicas' pids and ports.
 */
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { createLogger } from '../../server/logger.js';
import { identityFor } from '../identity.js';
import { startDemoProvider } from '../oidc-provider.js';
import { startDemoPublisher } from '../publisher.js';
import { startDemoUpstream } from '../upstream.js';
import { startHaproxy, type RunningHaproxy } from './haproxy.js';
import { startLocalRedis, type LocalRedis } from './redis.js';
import { startReplica, type Replica } from './replica.js';

const REPLICAS = 3; // config/haproxy/haproxy.cfg names three servers
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port <= 0) throw new Error('run-cluster needs a fixed PORT (the demo provider registers http://localhost:<PORT>/auth/callback)');
  const stoppers: Array<() => Promise<unknown>> = [];
  const replicas: Replica[] = [];
  let stopping = false;
  // Children run in their own process groups; if this process goes, they go too.
  process.once('exit', () => {
    for (const r of replicas) r.kill();
  });
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch((error: unknown) => logger.warn({ err: error }, 'cluster: a part did not stop cleanly'));
  };

  try {
    const upstream = await startDemoUpstream(Number(process.env.DEMO_UPSTREAM_PORT ?? 0));
    stoppers.push(() => new Promise<void>((resolve) => {
      upstream.server.close(() => resolve());
      upstream.server.closeAllConnections();
    }));
    const secrets = {
      DEMO_OIDC_SECRET_LOCALHOST: randomBytes(24).toString('base64url'),
      DEMO_OIDC_SECRET_ACME: randomBytes(24).toString('base64url'),
    };
    const idp = await startDemoProvider({
      port: Number(process.env.DEMO_OIDC_PORT ?? 9400),
      clients: [
        { clientId: 'experience-localhost', clientSecret: secrets.DEMO_OIDC_SECRET_LOCALHOST, origins: [`http://localhost:${port}`] },
        { clientId: 'experience-acme', clientSecret: secrets.DEMO_OIDC_SECRET_ACME, origins: [`http://acme.localhost:${port}`] },
      ],
    });
    stoppers.push(() => idp.close());
    const identity = await identityFor(idp.issuer);

    let redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      const redis: LocalRedis = await startLocalRedis(Number(process.env.CLUSTER_REDIS_PORT ?? (await freePort())));
      stoppers.push(() => redis.stop());
      redisUrl = redis.url;
    }

    const token = process.env.PUBLISH_TOKEN ?? randomBytes(24).toString('base64url');
    // One set of keys for every replica: a sign-in begun on one may finish on another.
    const sessionKeys = process.env.SESSION_KEYS ?? randomBytes(32).toString('base64url');
    const { PORT: _lbPort, ...inherited } = process.env;
    const started = await Promise.allSettled(
      Array.from({ length: REPLICAS }, (_, i) =>
        startReplica({
          name: `bff${i + 1}`,
          main: 'dist/server/main.js',
          log: (line) => process.stdout.write(`${line}\n`),
          env: {
            NODE_ENV: 'development',
            DEV_LOGIN: 'true',
            LOG_LEVEL: 'info',
            ...inherited,
            HOST: '127.0.0.1',
            PORT: '0',
            METRICS_PORT: '0',
            TRUST_PROXY: 'true',
            REDIS_URL: redisUrl,
            // How many share the rate limits (the local fallback while Redis is down allows 1/REPLICAS).
            REPLICAS: String(REPLICAS),
            PUBLISH_TOKEN: token,
            UPSTREAM_URL: upstream.url,
            SESSION_KEYS: sessionKeys,
            ...secrets,
            ...(identity ? { IDENTITY_CONFIG: identity } : {}),
          },
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') replicas.push(s.value);
    stoppers.push(() => Promise.all(replicas.map((r) => r.stop())));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    for (const r of replicas) {
      void r.exited.then((code) => {
        if (!stopping) logger.warn({ replica: r.name, pid: r.pid, code }, 'cluster: a replica exited; the load balancer sends its traffic to the others');
      });
    }

    const servers = Object.fromEntries(
      replicas.flatMap((r, i) => [
        [`EXPERIENCE_BFF${i + 1}`, `127.0.0.1:${r.port}`],
        [`EXPERIENCE_SHELL${i + 1}`, `127.0.0.1:${r.port}`],
      ]),
    );
    const lb: RunningHaproxy = await startHaproxy({ config: 'config/haproxy/haproxy.cfg', port, env: servers, onOutput: (text) => process.stdout.write(text) });
    stoppers.push(() => lb.stop());
    void lb.exited.then(() => {
      if (!stopping) logger.warn({}, 'cluster: haproxy exited');
    });

    const publisher = startDemoPublisher({
      bffUrl: `http://127.0.0.1:${port}`,
      token,
      tenant: 'localhost',
      intervalMs: Number(process.env.DEMO_PUBLISH_INTERVAL_MS ?? 5000),
      log: (msg) => logger.warn({}, msg),
    });
    stoppers.push(async () => publisher.stop());

    logger.info(
      {
        url: `http://localhost:${port}`,
        redis: redisUrl,
        provider: idp.issuer,
        upstream: upstream.url,
        replicas: replicas.map((r) => ({ name: r.name, pid: r.pid, port: r.port, metricsPort: r.metricsPort })),
      },
      'cluster ready: open the URL (three replicas behind HAProxy); kill a replica to watch the others take over',
    );
  } catch (error) {
    stopping = true;
    await stopAll();
    throw error;
  }

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'cluster: stopping');
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGHUP', () => shutdown('SIGHUP'));
}

main().catch((error: unknown) => {
  process.stderr.write(`run-cluster: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * `make run`: the BFF on the embedded default config at http://localhost:8080 with
 * development settings (dev login on), a demo upstream on loopback for every API the default
 * config allows, and a demo publisher of `orders.updated` events. Environment variables
 * override the defaults (see src/server/settings.ts); UPSTREAM_URL always points at the demo
 * upstream.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, formatIssue } from '../config/index.js';
import { EngineLoadError } from '../engine/index.js';
import { loadIssues } from '../snapshots/index.js';
import { loadSettings, SettingsError, startServer } from '../server/index.js';
import { startDemoPublisher } from './publisher.js';
import { startDemoUpstream } from './upstream.js';

async function main(): Promise<void> {
  const upstream = await startDemoUpstream(Number(process.env.DEMO_UPSTREAM_PORT ?? 0));
  const token = process.env.PUBLISH_TOKEN ?? randomBytes(24).toString('base64url');
  const settings = loadSettings({
    NODE_ENV: 'development',
    DEV_LOGIN: 'true',
    PORT: '8080',
    ...process.env,
    PUBLISH_TOKEN: token,
    UPSTREAM_URL: upstream.url,
  });
  const running = await startServer({ settings });
  const bffUrl = `http://127.0.0.1:${running.port}`;
  const publisher = startDemoPublisher({
    bffUrl,
    token,
    tenant: 'localhost',
    intervalMs: Number(process.env.DEMO_PUBLISH_INTERVAL_MS ?? 5000),
    log: (msg) => running.logger.warn({}, msg),
  });
  running.logger.info({ url: `http://localhost:${running.port}`, upstream: upstream.url }, 'demo ready: sign in at the shell, or POST /auth/dev/login');

  const shutdown = () => {
    publisher.stop();
    running.stop().then(
      () => {
        // The BFF has finished every request: nothing needs the demo upstream any more.
        upstream.server.close(() => process.exit(0));
        upstream.server.closeAllConnections();
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EngineLoadError) {
    const what = error instanceof ConfigError ? 'the configuration is invalid' : 'the policy cannot be loaded';
    process.stderr.write(`demo: ${what}:\n${loadIssues(error).map((i) => `  ${formatIssue(i)}`).join('\n')}\n`);
  } else if (error instanceof SettingsError) {
    process.stderr.write(`demo: invalid configuration: ${error.message}\n`);
  } else {
    process.stderr.write(`demo: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});

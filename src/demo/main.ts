/**
 * `make run`: the BFF on the embedded default config at http://localhost:8080 with
 * development settings, a demo OpenID provider on http://127.0.0.1:9400 (alice and bob sign in
 * there, as they would at Keycloak or Entra ID), the development login beside it, a demo
 * upstream on loopback for every API the default config allows, and a demo publisher of
 * `orders.updated` events. Environment variables override the defaults (see
 * src/server/settings.ts); UPSTREAM_URL always points at the demo upstream.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, formatIssue } from '../config/index.js';
import { EngineLoadError } from '../engine/index.js';
import { loadIssues } from '../snapshots/index.js';
import { loadSettings, SettingsError, startServer } from '../server/index.js';
import { identityFor } from './identity.js';
import { startDemoProvider } from './oidc-provider.js';
import { startDemoPublisher } from './publisher.js';
import { startDemoUpstream } from './upstream.js';

async function main(): Promise<void> {
  const upstream = await startDemoUpstream(Number(process.env.DEMO_UPSTREAM_PORT ?? 0));
  const token = process.env.PUBLISH_TOKEN ?? randomBytes(24).toString('base64url');
  const port = Number(process.env.PORT ?? 8080);
  // The provider must know the BFF's redirect URIs before either listens.
  if (!Number.isInteger(port) || port <= 0) throw new SettingsError('the demo needs a fixed PORT (its OpenID provider registers http://localhost:<PORT>/auth/callback)');
  // A client secret per tenant and per run, handed to the BFF by environment reference only.
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
  const identity = await identityFor(idp.issuer);
  const settings = loadSettings({
    NODE_ENV: 'development',
    DEV_LOGIN: 'true',
    PORT: '8080',
    ...process.env,
    ...secrets,
    ...(identity ? { IDENTITY_CONFIG: identity } : {}),
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
  running.logger.info(
    { url: `http://localhost:${running.port}`, provider: idp.issuer, upstream: upstream.url },
    'demo ready: open the URL and sign in with the demo provider (alice/alice, bob/bob), or with the development sign-in',
  );

  const shutdown = () => {
    publisher.stop();
    running.stop().then(
      () =>
        // The BFF has finished every request: nothing needs the demo provider or upstream any more.
        idp.close().then(() => {
          upstream.server.close(() => process.exit(0));
          upstream.server.closeAllConnections();
        }),
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
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`demo: a port is already in use (${(error as Error).message}); set PORT, DEMO_OIDC_PORT or DEMO_UPSTREAM_PORT\n`);
  } else {
    process.stderr.write(`demo: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});

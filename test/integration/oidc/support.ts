/**
 * The BFF against `oidc-provider` as a real OpenID Provider on loopback (src/demo/oidc-provider.ts,
 * the same provider `make run` starts), with a fresh client secret per run passed by env reference.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { startDemoProvider, type DemoProvider } from '../../../src/demo/oidc-provider.js';
import { startBff, type TestBff } from '../support/bff.js';
import { TestBrowser, formOf, type Hop } from './browser.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ProviderYaml {
  tenant: string;
  issuer: string;
  clientId: string;
  secretEnv: string;
  extra?: string;
}

export function identityYaml(...providers: ProviderYaml[]): string {
  return `tenants:\n${providers
    .map(
      (p) => `  ${p.tenant}:
    name: Demo ID
    issuer: ${p.issuer}
    clientId: ${p.clientId}
    clientSecret: { env: ${p.secretEnv} }
    scopes: [openid, profile, groups]
    userClaim: preferred_username
    rolesClaim: groups
    roleMap:
      staff: [member]
      dashboards: [dashboard-user]
${p.extra ?? ''}`,
    )
    .join('')}`;
}

export interface OidcSetup {
  bff: TestBff;
  idp: DemoProvider;
  /** http://localhost:<port> */
  origin: string;
  /** http://acme.localhost:<port> */
  acmeOrigin: string;
  replica?: { bff: TestBff; origin: string };
  close(): Promise<void>;
}

export interface OidcSetupOptions {
  accessTokenTtl?: number;
  /** The provider rotates the refresh token on every use (see DemoProviderOptions). */
  rotateRefreshTokens?: boolean;
  /** Extra identity.yaml providers (e.g. a fake token endpoint for acme.localhost). */
  more?: ProviderYaml[];
  env?: Record<string, string>;
  /** Also give acme.localhost a client at the same provider. */
  acmeClient?: boolean;
  /** identity.yaml lines added to the localhost provider. */
  extra?: string;
  /** Stop the provider before the BFF starts (it is never discovered). */
  startDown?: boolean;
  /** Edits plugins.yaml before start-up (see StartBffOptions.plugins). */
  plugins?: (text: string, upstreamUrl: string) => string;
  /** Start a second BFF replica (same SESSION_KEYS and identity.yaml; its own memory, or with `REDIS_URL` in `env` the same Redis). */
  replica?: boolean;
}

/** The demo provider (client per tenant) and the BFF, with localhost signing in through it. */
export async function startOidcSetup(options: OidcSetupOptions = {}): Promise<OidcSetup> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const replicaPort = options.replica ? await freePort() : undefined;
  const replicaOrigin = `http://localhost:${replicaPort}`;
  const acmeOrigin = `http://acme.localhost:${port}`;
  const secret = randomBytes(24).toString('base64url');
  const acmeSecret = randomBytes(24).toString('base64url');
  // The provider's back-channel logout calls reach the BFF on loopback: oidc-provider >= 9.7
  // refuses loopback addresses by default, so the demo provider's `fetch` hook (loopbackFetch)
  // sends them without its SSRF guard, and to loopback only.
  const idp = await startDemoProvider({
    port: 0,
    clients: [
      { clientId: 'bff-localhost', clientSecret: secret, origins: replicaPort ? [origin, replicaOrigin] : [origin] },
      ...(options.acmeClient ? [{ clientId: 'bff-acme', clientSecret: acmeSecret, origins: [acmeOrigin] }] : []),
    ],
    ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}),
    ...(options.rotateRefreshTokens ? { rotateRefreshTokens: true } : {}),
  });
  const providers: ProviderYaml[] = [
    { tenant: 'localhost', issuer: idp.issuer, clientId: 'bff-localhost', secretEnv: 'TEST_OIDC_SECRET', ...(options.extra ? { extra: options.extra } : {}) },
    ...(options.acmeClient ? [{ tenant: 'acme.localhost', issuer: idp.issuer, clientId: 'bff-acme', secretEnv: 'TEST_OIDC_ACME_SECRET' }] : []),
    ...(options.more ?? []),
  ];
  if (options.startDown) await idp.close();
  const env = { TEST_OIDC_SECRET: secret, TEST_OIDC_ACME_SECRET: acmeSecret, ...options.env };
  const files = { identity: identityYaml(...providers), ...(options.plugins ? { plugins: options.plugins } : {}) };
  const bff = await startBff({ PORT: String(port), ...env }, {}, files);
  const replica = replicaPort ? await startBff({ PORT: String(replicaPort), ...env }, {}, files) : undefined;
  return {
    bff,
    idp,
    origin,
    acmeOrigin,
    ...(replica ? { replica: { bff: replica, origin: replicaOrigin } } : {}),
    async close() {
      await replica?.close();
      await bff.close();
      await idp.close();
    },
  };
}

/** Fills the provider's own login form. Returns the hop that sends the browser back to the BFF's callback. */
export async function loginAtProvider(browser: TestBrowser, authorizationUrl: string, user: string, password = user): Promise<string> {
  const toForm = await browser.follow(authorizationUrl, (next) => next.includes('/auth/callback'));
  if (toForm.stoppedAt) return toForm.stoppedAt; // already signed in at the provider (SSO)
  expect(toForm.last.status, toForm.last.body.slice(0, 300)).toBe(200);
  const form = formOf(toForm.last.body, toForm.last.url);
  const submitted = await browser.request(form.action, { form: { ...form.fields, username: user, password } });
  expect(submitted.status, submitted.body.slice(0, 300)).toBe(303);
  const back = await browser.follow(submitted.location!, (next) => next.includes('/auth/callback'));
  if (!back.stoppedAt) throw new Error(`the provider did not send the browser back: ${back.last.status} ${back.last.body.slice(0, 300)}`);
  return back.stoppedAt;
}

export interface SignedIn {
  /** The callback URL the provider sent (code, state, iss). */
  callbackUrl: string;
  /** The callback's answer (302 to returnTo on success). */
  callback: Hop;
  /** The session cookie header for the BFF origin. */
  cookie: string;
}

/** The whole code flow: /auth/login -> provider login form -> /auth/callback. */
export async function signIn(browser: TestBrowser, origin: string, user: string, returnTo = '/'): Promise<SignedIn> {
  const start = await browser.request(`${origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status, start.body.slice(0, 300)).toBe(302);
  const callbackUrl = await loginAtProvider(browser, start.location!, user);
  const callback = await browser.request(callbackUrl);
  return { callbackUrl, callback, cookie: browser.cookieHeader(`${origin}/api/`) };
}

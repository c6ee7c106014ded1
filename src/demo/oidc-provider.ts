/**
 * The demo OpenID Provider for `make run` (and a real provider for the integration tests):
 * `oidc-provider` on loopback with two users whose `groups` claim gives today's demo roles
 * (identity.yaml maps staff -> member, dashboards -> dashboard-user). Its own small login page
 * (no external fonts or scripts), code flow with PKCE, refresh tokens, RP-initiated and
 * back-channel logout. Keys and cookie secrets are generated per run.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Account, type Configuration, type ProviderContext } from 'oidc-provider';

export interface DemoUser {
  password: string;
  name: string;
  groups: string[];
}

/** alice: staff + dashboards (member, dashboard-user); bob: staff (member). Passwords = names. */
export const DEMO_USERS: Readonly<Record<string, DemoUser>> = Object.freeze({
  alice: { password: 'alice', name: 'Alice Example', groups: ['staff', 'dashboards'] },
  bob: { password: 'bob', name: 'Bob Example', groups: ['staff'] },
});

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  /** The BFF origins this client serves (e.g. http://localhost:8080). */
  origins: string[];
}

export interface DemoProviderOptions {
  /** 0 for any free port. */
  port: number;
  /** The loopback address to bind and to name in the issuer (default 127.0.0.1). */
  host?: string;
  clients: DemoClient[];
  users?: Readonly<Record<string, DemoUser>>;
  /** Access token lifetime in seconds (default 600). */
  accessTokenTtl?: number;
  /**
   * Rotate the refresh token on every use (a used one is refused and, reused, revokes the grant),
   * as providers do for SPAs and many do for every client. Default: oidc-provider's own rule.
   */
  rotateRefreshTokens?: boolean;
  /**
   * How the provider calls out (back-channel logout). oidc-provider >= 9.7 refuses loopback
   * and private addresses by default (SSRF protection); the demo's BFF is on loopback, so the
   * demo passes the request on only when it goes to a loopback address, and refuses any other.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export interface DemoProvider {
  readonly issuer: string;
  readonly port: number;
  readonly provider: Provider;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The outgoing-request hook: loopback only (plain http), and never oidc-provider's SSRF-guarded
 * dispatcher, which refuses loopback. `*.localhost` tenants are reached on 127.0.0.1 with their
 * name as Host (fetch cannot set Host, so this speaks node:http).
 */
export function loopbackFetch(url: string, init: RequestInit): Promise<Response> {
  const target = new URL(url);
  const loopback = LOOPBACK.has(target.hostname) || target.hostname.endsWith('.localhost');
  if (!loopback || target.protocol !== 'http:') return Promise.reject(new Error(`demo provider: refusing to call ${target.origin} (loopback http only)`));
  const headers: Record<string, string> = { host: target.host };
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: target.port || 80, path: target.pathname + target.search, method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 502 })));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(2500, () => req.destroy(new Error('demo provider: back-channel call timed out')));
    req.end(body);
  });
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESC[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>\n<body><main>\n<h1>${esc(title)}</h1>\n${body}\n</main></body></html>\n`;
}

function loginPage(uid: string, users: Readonly<Record<string, DemoUser>>, error?: string): string {
  const hint = Object.keys(users).map((u) => `<code>${esc(u)}</code> / <code>${esc(users[u]!.password)}</code>`).join(', ');
  return page(
    'Experience demo ID: sign in',
    `${error ? `<p role="alert">${esc(error)}</p>\n` : ''}<form method="post" action="/interaction/${esc(uid)}/login">
<p><label>User name <input name="username" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>
<p>Demo users: ${hint}.</p>`,
  );
}

function send(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8192) reject(new Error('form too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export async function startDemoProvider(options: DemoProviderOptions): Promise<DemoProvider> {
  const users = options.users ?? DEMO_USERS;
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: randomBytes(6).toString('base64url'), alg: 'RS256', use: 'sig' };

  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: 'Experience',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: c.origins.map((o) => `${o}/auth/callback`),
      post_logout_redirect_uris: c.origins.map((o) => `${o}/`),
      ...(c.origins[0] ? { backchannel_logout_uri: `${c.origins[0]}/auth/backchannel-logout`, backchannel_logout_session_required: true } : {}),
    })),
    jwks: { keys: [signing] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', 'profile', 'groups'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'], sid: null, auth_time: null, acr: null, iss: null },
    // The BFF reads the user and roles from the ID token, as it does with Keycloak or Entra ID.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: ProviderContext, form: string) => {
          ctx.type = 'html';
          ctx.body = page('Sign out of the Experience demo ID?', `${form}\n<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button></p>`);
        },
        postLogoutSuccessSource: async (ctx: ProviderContext) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<p>You are signed out of the Experience demo ID.</p>');
        },
      },
    },
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // First-party clients: no consent screen, the grant is made on the spot.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const { client, session, result, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return provider.Grant.find(existing);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile groups offline_access');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, id: string): Promise<Account | undefined> => {
      const user = Object.hasOwn(users, id) ? users[id] : undefined;
      if (!user) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: user.name, preferred_username: id, groups: user.groups }) };
    },
    ...(options.rotateRefreshTokens ? { rotateRefreshToken: true } : {}),
    ttl: { AccessToken: options.accessTokenTtl ?? 600, IdToken: 600, RefreshToken: 86_400, Interaction: 600, Session: 86_400, Grant: 86_400 },
    renderError: async (ctx: ProviderContext, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = page('The demo ID could not go on', Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join('\n'));
    },
    fetch: options.fetch ?? loopbackFetch,
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match) {
      handle(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name !== 'login') {
          // Consent is granted by loadExistingGrant; anything else goes back to the provider.
          await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
          return;
        }
        if (req.method === 'GET' && !match[2]) {
          send(res, 200, loginPage(details.uid, users));
          return;
        }
        if (req.method === 'POST' && match[2]) {
          const form = await readForm(req);
          const name = form.get('username') ?? '';
          const user = Object.hasOwn(users, name) ? users[name] : undefined;
          if (!user || user.password !== form.get('password')) {
            send(res, 401, loginPage(details.uid, users, 'Unknown user name or wrong password.'));
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: name } }, { mergeWithLastSubmission: false });
          return;
        }
        send(res, 405, page('Not allowed', '<p>Method not allowed.</p>'));
      } catch (error) {
        send(res, 400, page('The sign-in could not go on', `<p>${esc(error instanceof Error ? error.message : String(error))}</p>`));
      }
    })();
  });

  return {
    issuer,
    port,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

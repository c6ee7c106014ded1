/**
 * fake-token-endpoint: a tiny OpenID provider on loopback whose ID tokens the test writes.
 *
 * Why not oidc-provider for these cases: a correct provider never issues an ID token with a
 * wrong `iss` or `aud`, an expired one, one with `alg: none`, one HMAC-signed with its own
 * public key, or one signed with a key that is not in its JWKS, and those are exactly the
 * tokens the BFF must refuse. Everything else here is real: discovery, the authorization
 * redirect, the token endpoint with client authentication, and the JWKS the BFF verifies with.
 * The endpoint also announces `none` and `HS256` in its discovery document, so the tests show
 * that the BFF's own allow-list (identity.yaml) decides, not what a provider claims.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload } from 'jose';

export interface Authorization {
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface TokenRequest {
  authorization: Authorization;
  issuer: string;
}

export interface FakeTokenEndpoint {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** What the next token request answers with: an ID token (string), given the request. */
  idToken: (request: TokenRequest) => Promise<string>;
  /** The valid ID token for a request, with `claims` and `header` overriding. */
  sign(request: TokenRequest, claims?: JWTPayload, options?: { kid?: string; alg?: string; key?: 'known' | 'unknown' }): Promise<string>;
  /** A logout_token signed with the published key (claims override the valid defaults). */
  logoutToken(claims?: Record<string, unknown>, options?: { key?: 'known' | 'unknown'; typ?: string }): Promise<string>;
  /** Discovery documents served so far. */
  readonly discoveries: number;
  /** The published key's SPKI PEM (for the HMAC-with-public-key attack). */
  readonly publicPem: string;
  readonly publicJwk: JWK;
  close(): Promise<void>;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export async function startFakeTokenEndpoint(options: { clientId?: string } = {}): Promise<FakeTokenEndpoint> {
  const clientId = options.clientId ?? 'bff-acme';
  const clientSecret = randomBytes(24).toString('base64url');
  const known = await generateKeyPair('RS256', { extractable: true });
  const unknown = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(known.publicKey)), kid: 'published', alg: 'RS256', use: 'sig' };
  const publicPem = await exportSPKI(known.publicKey);
  const codes = new Map<string, Authorization>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let discoveries = 0;
  const endpoint: FakeTokenEndpoint = {
    get discoveries() {
      return discoveries;
    },
    issuer,
    clientId,
    clientSecret,
    publicPem,
    publicJwk,
    idToken: (request) => endpoint.sign(request),
    async sign(request, claims = {}, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: request.issuer,
        aud: request.authorization.clientId,
        sub: 'user-1',
        preferred_username: 'alice',
        groups: ['staff'],
        nonce: request.authorization.nonce,
        iat: now,
        exp: now + 300,
        ...claims,
      })
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? (opts.key === 'unknown' ? 'not-published' : 'published'), typ: 'JWT' })
        .sign(opts.key === 'unknown' ? unknown.privateKey : known.privateKey);
    },
    async logoutToken(claims = {}, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: issuer,
        aud: clientId,
        iat: now,
        jti: randomBytes(12).toString('base64url'),
        sub: 'user-1',
        sid: 'provider-session-1',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        ...claims,
      };
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
      return new SignJWT(payload as JWTPayload)
        .setProtectedHeader({ alg: 'RS256', kid: opts.key === 'unknown' ? 'not-published' : 'published', typ: opts.typ ?? 'logout+jwt' })
        .sign(opts.key === 'unknown' ? unknown.privateKey : known.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  server.on('request', (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (url.pathname === '/.well-known/openid-configuration') {
        discoveries += 1;
        json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256', 'HS256', 'none'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
          backchannel_logout_supported: true,
          backchannel_logout_session_supported: true,
        });
        return;
      }
      if (url.pathname === '/jwks') {
        json(res, 200, { keys: [publicJwk] });
        return;
      }
      if (url.pathname === '/authorize') {
        const p = url.searchParams;
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { clientId: p.get('client_id') ?? '', redirectUri: p.get('redirect_uri') ?? '', state: p.get('state') ?? '', nonce: p.get('nonce') ?? '', codeChallenge: p.get('code_challenge') ?? '' });
        const back = new URL(p.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', p.get('state') ?? '');
        res.writeHead(302, { location: back.href });
        res.end();
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
        const [id, secret] = basic.split(':').map(decodeURIComponent);
        const authorization = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (id !== clientId || secret !== clientSecret || !authorization || authorization.codeChallenge !== challenge || form.get('redirect_uri') !== authorization.redirectUri) {
          json(res, 400, { error: 'invalid_grant' });
          return;
        }
        const idToken = await endpoint.idToken({ authorization, issuer });
        json(res, 200, { access_token: randomBytes(16).toString('base64url'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
        return;
      }
      json(res, 404, { error: 'not_found' });
    })();
  });
  return endpoint;
}

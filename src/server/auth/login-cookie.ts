/**
 * The sign-in in progress (state, nonce, PKCE verifier, where to return) lives in a short-lived
 * cookie sealed with SESSION_KEYS (JWE, `dir` + A256GCM, by jose): nothing is stored on the
 * server for a visitor who has not signed in, and any replica can finish the sign-in. The first
 * key seals, every key opens (rotation). The cookie is cleared on the callback, used or not.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { LoginTransaction } from '../../identity/index.js';
import type { BffContext } from '../state.js';

export interface PendingLogin {
  tenant: string;
  /** The relying party's fingerprint: a provider changed mid-sign-in refuses the callback. */
  provider: string;
  returnTo: string;
  transaction: LoginTransaction;
}

export interface LoginCookieOptions {
  name: string;
  keys: readonly string[];
  secure: boolean;
  /** How long a sign-in may take, in seconds. */
  ttlSeconds: number;
}

export interface LoginCookie {
  write(ctx: BffContext, pending: PendingLogin): Promise<void>;
  /** The pending sign-in this browser started (undefined: none, expired or not ours); the cookie is cleared. */
  take(ctx: BffContext): Promise<PendingLogin | undefined>;
}

interface Key {
  kid: string;
  secret: Uint8Array;
}

function deriveKey(secret: string): Key {
  const bytes = new Uint8Array(hkdfSync('sha256', secret, 'experience-bff', 'login transaction v1', 32));
  return { kid: createHash('sha256').update(bytes).digest('base64url').slice(0, 8), secret: bytes };
}

function isPending(value: unknown): value is PendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const t = v['transaction'] as Record<string, unknown> | undefined;
  return typeof v['tenant'] === 'string' && typeof v['provider'] === 'string' && typeof v['returnTo'] === 'string' &&
    typeof t === 'object' && t !== null && ['state', 'nonce', 'codeVerifier', 'redirectUri'].every((k) => typeof t[k] === 'string');
}

export function createLoginCookie(options: LoginCookieOptions): LoginCookie {
  const keys = options.keys.map(deriveKey);
  const sealing = keys[0];
  if (!sealing) throw new Error('login cookie: no key');
  // The JWE is its own integrity: no Koa `.sig` cookie beside it.
  const cookieOptions = { signed: false, httpOnly: true, sameSite: 'lax' as const, secure: options.secure, path: '/', overwrite: true };
  const forceSecure = (ctx: BffContext) => {
    if (options.secure) ctx.cookies.secure = true;
  };

  return {
    async write(ctx, pending) {
      const sealed = await new EncryptJWT({ login: pending })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: sealing.kid })
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .encrypt(sealing.secret);
      forceSecure(ctx);
      ctx.cookies.set(options.name, sealed, { ...cookieOptions, maxAge: options.ttlSeconds * 1000 });
    },

    async take(ctx) {
      const sealed = ctx.cookies.get(options.name, { signed: false });
      forceSecure(ctx);
      ctx.cookies.set(options.name, '', { ...cookieOptions, maxAge: 0, expires: new Date(0) });
      if (!sealed || sealed.length > 4096) return undefined;
      for (const key of keys) {
        try {
          const { payload } = await jwtDecrypt(sealed, key.secret, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
          return isPending(payload['login']) ? payload['login'] : undefined;
        } catch {
          // Not this key (or tampered, or expired): try the next one.
        }
      }
      return undefined;
    },
  };
}

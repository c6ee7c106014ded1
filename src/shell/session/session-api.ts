import { CSRF_HEADER } from '../../sdk/headers.js';

export interface Session {
  user: string;
  roles: string[];
  tenant: string;
  /** ISO time the session ends at the latest. */
  expiresAt: string;
}

/** How this tenant signs in (`GET /auth/providers`). */
export interface SignInOptions {
  tenant: string;
  provider: { name: string; loginUrl: string } | null;
  /** The development form (only when the BFF runs with DEV_LOGIN, never in production). */
  devLogin: boolean;
}

export const SESSION_KEY = ['host', 'session'] as const;
export const SIGN_IN_OPTIONS_KEY = ['host', 'sign-in-options'] as const;

/** `GET /auth/session`: the session, or null when signed out (401). */
export async function fetchSession(fetchImpl: typeof fetch): Promise<Session | null> {
  const res = await fetchImpl('/auth/session', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`GET /auth/session answered ${res.status}`);
  const body = (await res.json()) as Partial<Session>;
  return {
    user: String(body.user ?? ''),
    roles: Array.isArray(body.roles) ? body.roles.map(String) : [],
    tenant: String(body.tenant ?? ''),
    expiresAt: String(body.expiresAt ?? ''),
  };
}

/** `GET /auth/providers` (no session needed). */
export async function fetchSignInOptions(fetchImpl: typeof fetch): Promise<SignInOptions> {
  const res = await fetchImpl('/auth/providers', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /auth/providers answered ${res.status}`);
  const body = (await res.json()) as Partial<SignInOptions>;
  const provider = body.provider && typeof body.provider.name === 'string' && typeof body.provider.loginUrl === 'string' ? { name: body.provider.name, loginUrl: body.provider.loginUrl } : null;
  return { tenant: String(body.tenant ?? ''), provider, devLogin: body.devLogin === true };
}

/** Where the provider sign-in starts, coming back to `returnTo` (a path of this site). */
export function providerLoginUrl(options: SignInOptions, returnTo: string): string | undefined {
  if (!options.provider) return undefined;
  const path = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `${options.provider.loginUrl}?returnTo=${encodeURIComponent(path)}`;
}

/** `POST /auth/dev/login`: the development identity provider. */
export async function devSignIn(fetchImpl: typeof fetch, user: string, roles: string[]): Promise<void> {
  const res = await fetchImpl('/auth/dev/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', [CSRF_HEADER]: '1' },
    body: JSON.stringify({ user, roles }),
  });
  if (res.status === 404) throw new Error('The development sign-in is not enabled on this server');
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: unknown };
    throw new Error(typeof body.message === 'string' ? body.message : `Sign-in failed (${res.status})`);
  }
}

/** `POST /auth/logout`: ends the session; returns the provider's logout URL when there is one. */
export async function signOut(fetchImpl: typeof fetch): Promise<string | undefined> {
  const res = await fetchImpl('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { [CSRF_HEADER]: '1', Accept: 'application/json' } });
  if (res.status !== 200) return undefined;
  const body = (await res.json().catch(() => ({}))) as { logoutUrl?: unknown };
  return typeof body.logoutUrl === 'string' ? body.logoutUrl : undefined;
}

export interface Session {
  user: string;
  roles: string[];
  tenant: string;
}

export const SESSION_KEY = ['host', 'session'] as const;

/** `GET /auth/session`: the session, or null when signed out (401). */
export async function fetchSession(fetchImpl: typeof fetch): Promise<Session | null> {
  const res = await fetchImpl('/auth/session', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`GET /auth/session answered ${res.status}`);
  const body = (await res.json()) as Partial<Session>;
  return { user: String(body.user ?? ''), roles: Array.isArray(body.roles) ? body.roles.map(String) : [], tenant: String(body.tenant ?? '') };
}

/** `POST /auth/dev/login`: the development identity provider. */
export async function devSignIn(fetchImpl: typeof fetch, user: string, roles: string[]): Promise<void> {
  const res = await fetchImpl('/auth/dev/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, roles }),
  });
  if (res.status === 404) throw new Error('The development sign-in is not enabled on this server');
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: unknown };
    throw new Error(typeof body.message === 'string' ? body.message : `Sign-in failed (${res.status})`);
  }
}

export async function signOut(fetchImpl: typeof fetch): Promise<void> {
  await fetchImpl('/auth/logout', { method: 'POST', credentials: 'same-origin' });
}

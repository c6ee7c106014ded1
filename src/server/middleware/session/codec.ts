import type { SessionData } from '../../state.js';

const NAME = /^[A-Za-z0-9._@:-]{1,128}$/;

/** The cookie value: base64url JSON. Its integrity comes from the signature cookie beside it. */
export function encodeSession(data: SessionData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

/** Parses and checks a cookie value; anything malformed or expired is no session. */
export function decodeSession(value: string | undefined, nowSeconds: number): SessionData | null {
  if (!value || value.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const s = parsed as Record<string, unknown>;
  if (typeof s.sid !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(s.sid)) return null;
  if (typeof s.user !== 'string' || !NAME.test(s.user)) return null;
  if (typeof s.tenant !== 'string' || s.tenant.length === 0) return null;
  if (!Array.isArray(s.roles) || !s.roles.every((r): r is string => typeof r === 'string' && NAME.test(r))) return null;
  if (typeof s.iat !== 'number' || typeof s.exp !== 'number' || s.exp <= nowSeconds) return null;
  return { sid: s.sid, user: s.user, roles: s.roles, tenant: s.tenant, iat: s.iat, exp: s.exp };
}

/** User ids and role names accepted from identity providers. */
export function isValidName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

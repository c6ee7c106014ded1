/**
 * Provider tokens at rest in a shared store: AES-256-GCM under a key derived from SESSION_KEYS
 * (HKDF-SHA256), bound to the record's store key (additional data), so what Redis holds (and
 * its dumps and backups) opens only with the BFF's keys and only for that session. The first key
 * seals, every key opens (rotation), as for the sign-in cookie.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

interface Key {
  kid: string;
  secret: Buffer;
}

export interface Sealer {
  seal(plain: string, boundTo: string): string;
  /** The plain text; undefined when it is not ours, was made for another record, or was altered. */
  open(sealed: string, boundTo: string): string | undefined;
}

function derive(secret: string): Key {
  const bytes = Buffer.from(hkdfSync('sha256', secret, 'experience-bff', 'session tokens v1', 32));
  return { kid: createHash('sha256').update(bytes).digest('base64url').slice(0, 8), secret: bytes };
}

/** A sealer for SESSION_KEYS (the first seals, every one opens). */
export function createSealer(keys: readonly string[]): Sealer {
  const derived = keys.map(derive);
  const sealing = derived[0];
  if (!sealing) throw new Error('session token sealer: no key');
  const byKid = new Map(derived.map((k) => [k.kid, k]));
  return {
    seal(plain, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealing.secret, iv);
      cipher.setAAD(Buffer.from(boundTo));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${sealing.kid}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, boundTo) {
      const [version, kid, iv, body] = sealed.split('.');
      const key = kid === undefined ? undefined : byKid.get(kid);
      if (version !== 'v1' || !key || !iv || !body) return undefined;
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < 16) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.secret, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(boundTo));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

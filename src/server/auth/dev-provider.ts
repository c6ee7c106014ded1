import { readJson } from '../body.js';
import { InputError } from '../errors.js';
import { isValidName, type Identity } from '../middleware/session/index.js';
import type { IdentityProvider } from './types.js';

const MAX_ROLES = 32;

/**
 * Development sign-in: whoever posts `{"user": "...", "roles": [...]}` is that user. Exists
 * only when DEV_LOGIN is on (never in production).
 */
export function createDevIdentityProvider(): IdentityProvider {
  return {
    id: 'dev',
    async signIn(ctx): Promise<Identity> {
      const body = await readJson(ctx.req, 4096);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('invalid_body', 'Expected {"user": "...", "roles": [...]}');
      const { user, roles = [] } = body as { user?: unknown; roles?: unknown };
      if (!isValidName(user)) throw new InputError('invalid_body', 'user must be 1-128 characters of [A-Za-z0-9._@:-]');
      if (!Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every(isValidName)) {
        throw new InputError('invalid_body', `roles must be at most ${MAX_ROLES} names of [A-Za-z0-9._@:-]`);
      }
      return { user, roles };
    },
  };
}

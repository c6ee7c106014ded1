import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A check of `Authorization: Bearer <token>` against one configured token (the publish and
 * metrics tokens). Digests are compared, so the time taken says nothing about the token.
 *
 * @example
 * const valid = createBearerCheck(settings.metricsToken);
 * if (!valid(ctx.get('Authorization'))) throw new UnauthenticatedError('invalid_token', '...');
 */
export function createBearerCheck(token: string): (authorization: string) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const given = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    return given !== '' && timingSafeEqual(digest(given), expected);
  };
}

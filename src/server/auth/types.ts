import type { BffContext } from '../state.js';
import type { Identity } from '../middleware/session/index.js';

/**
 * A way to sign in. `POST /auth/<id>/login` hands the request to the provider; what it
 * returns becomes the session. Throw InputError / NotAllowedError to refuse.
 */
export interface IdentityProvider {
  readonly id: string;
  signIn(ctx: BffContext): Promise<Identity>;
}

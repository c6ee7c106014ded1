import type { Snapshot } from '../../engine/state.js';
import { SettingsError } from '../settings.js';

/**
 * In production the development login is refused, so without an identity provider nobody could
 * sign in: start-up stops, naming what is missing. Providers that are configured but cannot be
 * reached yet do not stop it (their sign-in answers 502 until they can).
 */
export function assertSignInPossible(snapshot: Snapshot, mode: string, identityFile: string): void {
  if (mode !== 'production' || snapshot.identity.providers.size > 0) return;
  throw new SettingsError(
    `no tenant has an identity provider: in production users can only sign in through OpenID Connect; add one per tenant to ${identityFile} (IDENTITY_CONFIG: issuer, clientId, clientSecret: { env: NAME })`,
  );
}

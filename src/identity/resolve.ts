/**
 * identity.yaml's model -> one RelyingParty per tenant. A provider whose config and secret did
 * not change is reused as it is (no discovery on every reload). A new or changed one is
 * discovered now: on a reload (`strict`) a failure refuses the whole reload, so the last good
 * state keeps serving; at start-up a provider that cannot be reached does not stop the BFF (its
 * sign-in answers 502 and discovery is tried again on use).
 */
import type { IdentityConfig } from '../config/identity-types.js';
import { IdentityProviderError } from './errors.js';
import { RelyingParty } from './relying-party.js';

/** What a snapshot holds about identity: the validated file, and a relying party per tenant. */
export interface IdentityState {
  readonly config: IdentityConfig;
  readonly providers: ReadonlyMap<string, RelyingParty>;
  /** Changes when any tenant's provider (config or secret) changes: part of the snapshot revision. */
  readonly revision: string;
}

export interface ResolveIdentityOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** true on a reload: a provider that cannot be discovered refuses the reload. */
  strict: boolean;
  timeoutSeconds?: number;
  retryAfterMs?: number;
}

export const EMPTY_IDENTITY: IdentityState = Object.freeze({ config: { tenants: {} }, providers: new Map(), revision: 'none' });

export async function resolveIdentity(config: IdentityConfig, previous: IdentityState | undefined, options: ResolveIdentityOptions): Promise<IdentityState> {
  const providers = new Map<string, RelyingParty>();
  const fresh: RelyingParty[] = [];
  for (const [tenant, provider] of Object.entries(config.tenants)) {
    const secret = options.env[provider.clientSecretEnv];
    if (!secret) throw new IdentityProviderError('identity_secret_missing', `${provider.clientSecretEnv} (the client secret of ${tenant}) is not set`);
    const fingerprint = RelyingParty.fingerprintOf(provider, secret);
    const kept = previous?.providers.get(tenant);
    if (kept && kept.fingerprint === fingerprint) {
      providers.set(tenant, kept);
      continue;
    }
    const rp = new RelyingParty(tenant, provider, { secret, timeoutSeconds: options.timeoutSeconds ?? 10, retryAfterMs: options.retryAfterMs ?? 5000 });
    providers.set(tenant, rp);
    fresh.push(rp);
  }
  const results = await Promise.allSettled(fresh.map((rp) => rp.ready()));
  if (options.strict) {
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${fresh[i]!.tenant}: ${r.reason instanceof IdentityProviderError ? r.reason.detail : String(r.reason)}`] : []));
    if (failed.length > 0) throw new IdentityProviderError('identity_provider_unavailable', `identity provider not reachable: ${failed.join('; ')}`);
  }
  const revision = [...providers].map(([tenant, rp]) => `${tenant}=${rp.fingerprint}`).sort().join(',') || 'none';
  return Object.freeze({ config, providers, revision });
}

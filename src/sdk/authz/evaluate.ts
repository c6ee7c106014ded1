import type { ApiJson } from '../api/json.js';

/** The PDP's answer: `reason` is stable snake_case (`granted`, `not_granted`, ...). */
export interface AuthzDecision {
  allow: boolean;
  reason: string;
}

export interface PluginAuthz {
  /**
   * Asks the BFF's PDP whether the signed-in user may do `action` on `resource`.
   *
   * @example
   * const { allow } = await sdk.authz.evaluate('orders.notes', 'write');
   */
  evaluate(resource: string, action: string): Promise<AuthzDecision>;
}

export function createAuthz(json: ApiJson): PluginAuthz {
  return Object.freeze({
    async evaluate(resource: string, action: string): Promise<AuthzDecision> {
      const body = await json<{ allow?: unknown; reason?: unknown }>('/api/authz/evaluate', {
        method: 'POST',
        json: { resource, action },
      });
      return { allow: body?.allow === true, reason: typeof body?.reason === 'string' ? body.reason : 'unknown' };
    },
  });
}

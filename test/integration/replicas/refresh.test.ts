/**
 * A token refresh across replicas. Two BFF replicas share one Redis (sessions there) and a real
 * oidc-provider that rotates refresh tokens (a used one is refused, and reused it revokes the
 * grant). A SPA's calls at token expiry land on both replicas at once: exactly one of them
 * refreshes, the other uses the tokens it stored, and the user stays signed in on both. Several
 * rounds, so a replica that read the record before the other stored new tokens is covered too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_MARGIN_S } from '../../../src/server/auth/access-token.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { TestBrowser } from '../oidc/browser.js';
import { signIn, startOidcSetup, type OidcSetup } from '../oidc/support.js';
import type { TestBff } from '../support/bff.js';

/** /api/orders goes to the recording upstream with the user's token (as tokens.test.ts). */
const withTokenUpstream = (text: string, upstreamUrl: string) =>
  text.replace('upstreams:\n', `upstreams:\n  - { prefix: /api/orders, url: "${upstreamUrl}", forwardAccessToken: true }\n`);

/** Access tokens live this much longer than the refresh margin: fresh for a few seconds after each refresh. */
const FRESH_S = 5;
const ROUNDS = 3;
const CALLS_PER_REPLICA = 8;

/** What oidc-provider's grant events carry that this test reads. */
type GrantContext = { oidc: { params?: Record<string, unknown> } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two replicas, one Redis, a provider that rotates refresh tokens', () => {
  let redis: RedisServer;
  let setup: OidcSetup;
  const grants = { refresh: 0, failed: 0, revoked: 0 };
  beforeAll(async () => {
    redis = await startRedis();
    setup = await startOidcSetup({
      accessTokenTtl: REFRESH_MARGIN_S + FRESH_S,
      rotateRefreshTokens: true,
      replica: true,
      plugins: withTokenUpstream,
      env: { REDIS_URL: redis.url, REPLICAS: '2', REDIS_TIMEOUT_MS: '1000' },
    });
    const { provider } = setup.idp;
    provider.on('grant.success', (ctx: GrantContext) => {
      if (ctx.oidc.params?.['grant_type'] === 'refresh_token') grants.refresh += 1;
    });
    provider.on('grant.error', (ctx: GrantContext) => {
      if (ctx.oidc.params?.['grant_type'] === 'refresh_token') grants.failed += 1;
    });
    provider.on('grant.revoked', () => {
      grants.revoked += 1;
    });
  }, 30_000);
  afterAll(async () => {
    await setup?.close();
    await redis?.close();
  });

  it('every call at expiry is 200 on both replicas, one refresh per round, the session lives on', async () => {
    const { cookie } = await signIn(new TestBrowser(), setup.origin, 'alice');
    const replica = setup.replica!;
    const sides: Array<{ origin: string; bff: TestBff }> = [{ origin: setup.origin, bff: setup.bff }, replica];
    const bearers: string[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // The last token (the sign-in's or the last round's) is now inside the refresh margin.
      await sleep((FRESH_S + 1) * 1000);
      for (const side of sides) side.bff.upstream.clear();
      const before = { ...grants };
      const answers = await Promise.all(
        sides.flatMap((side, s) =>
          Array.from({ length: CALLS_PER_REPLICA }, (_, n) =>
            fetch(`${side.origin}/api/orders/r${round}-s${s}-${n}`, { headers: { cookie, 'x-plugin-id': 'orders' } }).then(async (res) => ({ status: res.status, body: await res.text() })),
          ),
        ),
      );
      expect(answers.filter((a) => a.status !== 200), `round ${round}`).toEqual([]);
      expect({ refresh: grants.refresh - before.refresh, failed: grants.failed - before.failed, revoked: grants.revoked - before.revoked }, `round ${round}`).toEqual({ refresh: 1, failed: 0, revoked: 0 });
      // Every call of the round carried the one new token, on both replicas.
      const seen = new Set(sides.flatMap((side) => side.bff.upstream.received.filter((r) => r.url.startsWith('/api/orders/')).map((r) => String(r.headers.authorization))));
      expect(seen.size, `round ${round}`).toBe(1);
      const [bearer] = [...seen];
      expect(bearer).toMatch(/^Bearer /);
      expect(bearers).not.toContain(bearer);
      bearers.push(bearer!);
    }
    for (const side of sides) {
      expect((await fetch(`${side.origin}/auth/session`, { headers: { cookie } })).status).toBe(200);
      expect(side.bff.logs().filter((l) => l['code'] === 'session_expired')).toEqual([]);
    }
  }, 60_000);
});

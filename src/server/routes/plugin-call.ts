import type { UpstreamRoute } from '../../config/types.js';
import { createAccessTokens } from '../auth/access-token.js';
import type { AppDeps } from '../deps.js';
import { forwardRequest } from '../proxy/forward.js';
import { pluginOf } from '../middleware/plugin-guard/index.js';
import { IDENTITY_PREFIX } from '../proxy/headers.js';
import { rawPath } from '../request-target.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

interface Upstream {
  /** The configured prefix without trailing slashes (`/` becomes '', which covers every path). */
  prefix: string;
  url: URL;
  forwardAccessToken: boolean;
}

const parsed = new WeakMap<readonly UpstreamRoute[], Upstream[]>();

/** The routes of one config model, parsed once (a reload brings a new model, so a new entry). */
function upstreamsOf(routes: readonly UpstreamRoute[]): Upstream[] {
  let upstreams = parsed.get(routes);
  if (!upstreams) {
    upstreams = routes.map((route) => ({ prefix: route.prefix.replace(/\/+$/, ''), url: new URL(route.url), forwardAccessToken: route.forwardAccessToken === true }));
    parsed.set(routes, upstreams);
  }
  return upstreams;
}

/** The upstream route for a path: the longest configured prefix (whole segments), else UPSTREAM_URL (which never gets a token). */
export function upstreamRouteFor(path: string, routes: readonly UpstreamRoute[], fallback: URL): { url: URL; forwardAccessToken: boolean } {
  let best: Upstream | undefined;
  for (const upstream of upstreamsOf(routes)) {
    const { prefix } = upstream;
    const hit = path === prefix || path.startsWith(`${prefix}/`);
    if (hit && (!best || prefix.length > best.prefix.length)) best = upstream;
  }
  return best ?? { url: fallback, forwardAccessToken: false };
}

/** The upstream for a path: the longest configured prefix (whole segments), else UPSTREAM_URL. */
export function upstreamFor(path: string, routes: readonly UpstreamRoute[], fallback: URL): URL {
  return upstreamRouteFor(path, routes, fallback).url;
}

const TENANT_HEADER = `${IDENTITY_PREFIX}tenant`;
const USER_HEADER = `${IDENTITY_PREFIX}user`;
const ROLES_HEADER = `${IDENTITY_PREFIX}roles`;
const PLUGIN_HEADER = `${IDENTITY_PREFIX}plugin`;

/**
 * The handler of an allowed plugin call: forward it with the same method, path and query, and
 * the identity the upstream can trust (the plugin is the one the plugin guard allowed).
 */
export function pluginCallRoute(deps: AppDeps): BffMiddleware {
  const options = { timeoutMs: deps.settings.upstreamTimeoutMs, maxBodyBytes: deps.settings.proxyMaxBodyBytes };
  const accessTokenFor = createAccessTokens(deps);
  return async function pluginCall(ctx) {
    const session = sessionOf(ctx);
    const plugin = pluginOf(ctx);
    const upstream = upstreamRouteFor(rawPath(ctx), snapshotOf(ctx).config.upstreams, deps.settings.upstreamUrl);
    const attach: Record<string, string> = {
      [TENANT_HEADER]: tenantOf(ctx),
      [USER_HEADER]: session.user,
      [ROLES_HEADER]: session.roles.join(','),
      [PLUGIN_HEADER]: plugin,
      'x-request-id': ctx.state.requestId,
      'x-forwarded-for': ctx.req.socket.remoteAddress ?? '',
    };
    // Only an upstream configured for it gets the user's token (the client's own Authorization is always dropped).
    if (upstream.forwardAccessToken) {
      const token = await accessTokenFor(ctx);
      if (token) attach.authorization = `Bearer ${token}`;
    }
    await forwardRequest(ctx, upstream.url, attach, ctx.state.baseHeaders ?? new Set(), deps.agents, options);
  };
}

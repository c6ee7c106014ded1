import type { SdkContext } from '../context.js';
import { CrossOriginRequestError, NetworkError, errorFromResponse } from '../errors/index.js';
import { PLUGIN_ID_HEADER } from '../headers.js';

/** `fetch` init a plugin may pass; `credentials` and `mode` are the SDK's to set. */
export type ApiRequestInit = Omit<RequestInit, 'credentials' | 'mode'>;

export type ApiFetch = (path: string | URL, init?: ApiRequestInit) => Promise<Response>;

/**
 * Builds the plugin's `api.fetch`: same-origin only, cookies included, `X-Plugin-Id` stamped
 * (overwriting any value the plugin set), and non-2xx answers thrown as typed errors.
 *
 * @example
 * const res = await sdk.api.fetch('/api/orders/42');
 * const order = await res.json();
 */
export function createApiFetch(ctx: SdkContext): ApiFetch {
  return async function apiFetch(path, init = {}) {
    const method = (init.method ?? 'GET').toUpperCase();
    const url = resolveSameOrigin(ctx, path, method);
    const shown = displayUrl(ctx, url);
    let res: Response;
    try {
      res = await fetchAsPlugin(ctx, url, { ...init, method });
    } catch (cause) {
      if (isAbort(cause)) throw cause;
      throw new NetworkError({ pluginId: ctx.pluginId, method, url: shown, cause });
    }
    if (!res.ok) throw await errorFromResponse(res, { pluginId: ctx.pluginId, method, url: shown });
    return res;
  };
}

/**
 * The one place the SDK calls the platform fetch (`api.fetch` and `sse.subscribe`): `X-Plugin-Id`
 * stamped over whatever the plugin set, cookies and mode same-origin.
 */
export function fetchAsPlugin(ctx: SdkContext, url: URL, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(PLUGIN_ID_HEADER, ctx.pluginId);
  return ctx.fetch(url.href, { ...init, headers, credentials: 'same-origin', mode: 'same-origin' });
}

/** Resolves `path` against the host origin; anything that lands elsewhere is refused. */
export function resolveSameOrigin(ctx: SdkContext, path: string | URL, method: string): URL {
  let url: URL;
  try {
    url = new URL(path, ctx.origin);
  } catch (cause) {
    throw new CrossOriginRequestError({ pluginId: ctx.pluginId, method, url: String(path), cause });
  }
  if (url.origin !== ctx.origin) {
    throw new CrossOriginRequestError({ pluginId: ctx.pluginId, method, url: url.href });
  }
  return url;
}

/** Same-origin URLs are reported as path + query: shorter, and the origin is implied. */
export function displayUrl(ctx: SdkContext, url: URL): string {
  return url.origin === ctx.origin ? url.pathname + url.search : url.href;
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

import type { SdkContext } from '../context.js';
import { SdkError } from '../errors/index.js';
import type { ApiFetch, ApiRequestInit } from './fetch.js';

export type ApiJson = <T = unknown>(path: string, init?: ApiRequestInit & { json?: unknown }) => Promise<T>;

/**
 * `api.fetch` plus JSON on both sides: `json` becomes the body (with its content type), and the
 * response is parsed; 204 gives `undefined`.
 *
 * @example
 * await sdk.api.json('/api/orders/42/notes', { method: 'POST', json: { text: 'called back' } });
 */
export function createApiJson(ctx: SdkContext, apiFetch: ApiFetch): ApiJson {
  return async function apiJson<T>(path: string, init: ApiRequestInit & { json?: unknown } = {}): Promise<T> {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('Accept', 'application/json');
    if (json !== undefined) headers.set('Content-Type', 'application/json');
    const res = await apiFetch(path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch (cause) {
      const method = (rest.method ?? 'GET').toUpperCase();
      throw new SdkError('invalid_json', 'the response is not JSON', { pluginId: ctx.pluginId, method, url: path, cause });
    }
  };
}

import { NotFoundError, UpstreamError } from '../errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Development only: a plugin author's dev server on this machine (`bundle.url`), fetched by
 * the BFF so the browser still loads the bundle same-origin under the strict CSP.
 */
export async function fetchDevBundle(url: string, timeoutMs: number): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NotFoundError('bundle_not_found', 'Bundle not found');
  }
  if (parsed.protocol !== 'http:' || !LOOPBACK.has(parsed.hostname)) throw new NotFoundError('bundle_not_found', 'Bundle not found');
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    throw new UpstreamError('bundle_dev_server_unavailable', 'The plugin dev server is unavailable', { cause: error });
  }
  if (!response.ok) throw new UpstreamError('bundle_dev_server_unavailable', `The plugin dev server answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

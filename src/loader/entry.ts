/** The only place bundles may come from: the BFF's same-origin bundle route. */
export const BUNDLE_ROUTE = '/api/plugins/bundle';

/**
 * Why `entry` is not an acceptable bundle URL for plugin `id`, or null when it is: same origin,
 * the bundle route exactly, an `entry` parameter, and `id` naming this very plugin.
 */
export function entryProblem(entry: string, id: string, origin: string): string | null {
  let url: URL;
  try {
    url = new URL(entry, origin);
  } catch {
    return `entry ${JSON.stringify(entry)} is not a URL`;
  }
  if (url.origin !== origin) return `entry ${url.href} is not on this origin (${origin}); bundles must come through the BFF`;
  if (url.pathname !== BUNDLE_ROUTE) return `entry ${url.pathname} is not the bundle route ${BUNDLE_ROUTE}`;
  if (url.username || url.password || url.hash) return `entry ${entry} must not carry credentials or a fragment`;
  if (!url.searchParams.get('entry')) return `entry ${entry} has no entry= parameter`;
  if (url.searchParams.get('id') !== id) return `entry ${entry} names plugin ${JSON.stringify(url.searchParams.get('id'))}, not ${JSON.stringify(id)}`;
  return null;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A plugin author's dev server must be plain localhost over http(s). */
export function isLocalDevUrl(devUrl: string): boolean {
  try {
    const url = new URL(devUrl);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

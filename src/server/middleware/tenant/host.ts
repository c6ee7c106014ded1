/**
 * The tenant is the request's host name: lower-cased, without port or userinfo. Returns
 * undefined for anything that is not a plausible host name, so it can never match a tenant.
 *
 * @example
 * tenantFromHost('Acme.Example.com:8443') // 'acme.example.com'
 * tenantFromHost('[::1]:8080')            // '[::1]'
 */
export function tenantFromHost(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let host = header.trim().toLowerCase();
  const at = host.lastIndexOf('@');
  if (at !== -1) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    host = host.slice(0, end + 1);
    return /^\[[0-9a-f:.]+\]$/.test(host) ? host : undefined;
  }
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return undefined;
    host = host.slice(0, colon);
  }
  return /^[a-z0-9](?:[a-z0-9.-]{0,252})$/.test(host) ? host : undefined;
}

/** The first value of a possibly comma-joined forwarded header. */
export function firstForwarded(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw?.split(',')[0]?.trim() || undefined;
}

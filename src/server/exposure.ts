/**
 * Who can reach what the BFF listens on: the development login and the metrics are for this
 * machine unless the operator says otherwise, and then the log says so.
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * True for an address only this machine can reach: 127.0.0.0/8, ::1, or IPv4-mapped
 * loopback. The unspecified addresses (0.0.0.0, ::) listen on every interface: not loopback.
 */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface Exposure {
  devLogin: boolean;
  metricsToken: string | undefined;
  /** The address the app is bound to (`server.address().address`). */
  app: string;
  /** The address the metrics listener is bound to; undefined when it is off. */
  metrics: string | undefined;
}

/** The warnings start-up logs for what it bound: one line each, naming the setting to change. */
export function exposureWarnings(exposure: Exposure): string[] {
  const warnings: string[] = [];
  if (exposure.devLogin && !isLoopbackAddress(exposure.app)) {
    warnings.push(
      `DEV_LOGIN is on and the BFF listens on ${exposure.app}, beyond loopback: anyone who can reach it can sign in as any user with any roles (unset HOST to listen on 127.0.0.1 only)`,
    );
  }
  if (exposure.metrics !== undefined && !isLoopbackAddress(exposure.metrics) && exposure.metricsToken === undefined) {
    warnings.push(`the operators' listener (/metrics, /readyz) is on ${exposure.metrics}, beyond loopback, without METRICS_TOKEN: anyone who can reach it reads the metrics and the detailed /readyz (every tenant's disabled plugins and reasons, reload issues)`);
  }
  return warnings;
}

/**
 * The development login lets anyone sign in with any roles, so whenever it is on (development
 * mode, or DEV_LOGIN=true) the BFF binds loopback unless HOST says otherwise. What startServer
 * really bound is checked here; the defaults per mode are in src/server/settings-listeners.test.ts.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { login, startBff } from './support/bff.js';

describe('the development login binds loopback', () => {
  it.each([
    ['development mode', { NODE_ENV: 'development' }],
    ['DEV_LOGIN=true in test mode', { NODE_ENV: 'test', DEV_LOGIN: 'true' }],
  ])('%s without HOST: app and metrics on 127.0.0.1, no warning', async (_what, env) => {
    // HOST='' is unset for loadSettings (the support sets HOST=127.0.0.1 otherwise).
    const bff = await startBff({ ...env, HOST: '' });
    try {
      expect((bff.running.server.address() as AddressInfo).address).toBe('127.0.0.1');
      expect((bff.running.metricsServer?.address() as AddressInfo).address).toBe('127.0.0.1');
      // The development login works there (it is on), and start-up saw no reason to warn.
      await login(bff);
      const listening = bff.logs().find((l) => l.msg === 'BFF listening');
      expect(listening).toMatchObject({ host: '127.0.0.1', devLogin: true });
      expect(bff.logs().filter((l) => String(l.msg).includes('DEV_LOGIN'))).toEqual([]);
    } finally {
      await bff.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { exposureWarnings, isLoopbackAddress } from './exposure.js';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.7', false],
    ['192.168.1.5', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['128.0.0.1', false],
    ['localhost', false],
    ['', false],
  ])('%s -> %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('exposureWarnings', () => {
  const quiet = { devLogin: false, metricsToken: undefined, app: '::', metrics: '127.0.0.1' };

  it.each(['::', '0.0.0.0', '10.0.0.7', '::ffff:10.0.0.1'])('warns when DEV_LOGIN is on and the app is bound to %s', (app) => {
    const warnings = exposureWarnings({ ...quiet, devLogin: true, app });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^DEV_LOGIN is on and the BFF listens on .+, beyond loopback: anyone .* can sign in as any user with any roles/);
    expect(warnings[0]).toContain(app);
  });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('is quiet with DEV_LOGIN on loopback (%s)', (app) => {
    expect(exposureWarnings({ ...quiet, devLogin: true, app })).toEqual([]);
  });

  it('is quiet in production on every interface (no dev login) with metrics on loopback', () => {
    expect(exposureWarnings(quiet)).toEqual([]);
    expect(exposureWarnings({ ...quiet, metrics: undefined })).toEqual([]);
  });

  it('warns when the metrics listener is reachable from outside without a token, not with one', () => {
    expect(exposureWarnings({ ...quiet, metrics: '0.0.0.0' })).toEqual([expect.stringMatching(/operators' listener \(\/metrics, \/readyz\) is on 0\.0\.0\.0, beyond loopback, without METRICS_TOKEN/)]);
    expect(exposureWarnings({ ...quiet, metrics: '0.0.0.0', metricsToken: 't'.repeat(16) })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  AppError,
  InputError,
  IntegrityError,
  NotFoundError,
  PayloadTooLargeError,
  PolicyRefusalError,
  StoreUnavailableError,
  TooManyRequestsError,
  UnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../errors.js';
import { mapError } from './index.js';

describe('mapError', () => {
  it.each([
    [new InputError('invalid_query', 'm'), 400],
    [new NotFoundError('bundle_not_found', 'm'), 404],
    [new PolicyRefusalError('allowlist_violation', 'm', 403, true), 403],
    [new PolicyRefusalError('plugin_quarantined', 'm', 423, false), 423],
    [new IntegrityError('integrity_mismatch', 'm'), 409],
    [new TooManyRequestsError('rate_limited', 'm', 0.2), 429],
    [new UpstreamError('upstream_unavailable', 'm'), 502],
    [new UnavailableError('decision_unavailable', 'm'), 503],
    [new StoreUnavailableError('session_store_unavailable', 'm'), 503],
    [new UpstreamTimeoutError('upstream_timeout', 'm'), 504],
  ])('%s -> %i', (error, status) => {
    const mapped = mapError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(error.code);
  });

  it('adds the contract headers', () => {
    expect(mapError(new PolicyRefusalError('allowlist_violation', 'm', 403, true)).headers).toEqual({ 'X-Allowlist-Violation': '1' });
    expect(mapError(new PolicyRefusalError('malformed_path', 'm', 400, false)).headers).toEqual({});
    expect(mapError(new IntegrityError('integrity_mismatch', 'm'))).toMatchObject({ headers: { 'X-Integrity-Error': '1' }, emptyBody: true });
    expect(mapError(new TooManyRequestsError('rate_limited', 'm', 0.2)).headers).toEqual({ 'Retry-After': '1' });
    expect(mapError(new StoreUnavailableError('session_store_unavailable', 'm')).headers).toEqual({ 'Retry-After': '2' });
    // the rest of an oversized body is never read: the connection must not be reused
    expect(mapError(new PayloadTooLargeError('payload_too_large', 'm'))).toMatchObject({ status: 413, headers: { Connection: 'close' } });
  });

  it('never exposes unknown errors or untyped server faults', () => {
    const secret = new Error('ENOENT: /srv/secret/path');
    expect(mapError(secret)).toMatchObject({ status: 500, code: 'internal_error', message: 'Internal server error' });
    expect(mapError(new AppError('weird', '/srv/secret'))).toMatchObject({ status: 500, code: 'internal_error' });
    // a refusal is a client error; a status outside 4xx (which the catalogue check refuses at load) is a fault
    expect(mapError(new PolicyRefusalError('odd', 'm', 503, false))).toMatchObject({ status: 500, code: 'internal_error', message: 'Internal server error' });
    expect(mapError(Object.assign(new Error('Method Not Allowed'), { status: 405, expose: true }))).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });
});

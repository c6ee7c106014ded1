import { describe, expect, it } from 'vitest';
import {
  AllowlistViolationError,
  AppError,
  InputError,
  IntegrityError,
  NotFoundError,
  PayloadTooLargeError,
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
    [new AllowlistViolationError('allowlist_violation', 'm'), 403],
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
    expect(mapError(new AllowlistViolationError('allowlist_violation', 'm')).headers).toEqual({ 'X-Allowlist-Violation': '1' });
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
    expect(mapError(Object.assign(new Error('Method Not Allowed'), { status: 405, expose: true }))).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });
});

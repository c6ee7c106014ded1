import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/index.js';
import {
  AllowlistViolationError, CrossOriginRequestError, HttpError, NetworkError, RateLimitError, SdkError, TopicDeniedError,
} from './index.js';
import { parseRetryAfter } from './from-response.js';

const where = { pluginId: 'sneaky', method: 'GET', url: '/api/orders' };

describe('SDK error types', () => {
  it('every error carries plugin id, method and URL, a stable code and its class name', () => {
    const errors: SdkError[] = [
      new HttpError({ ...where, status: 500 }),
      new AllowlistViolationError({ ...where, status: 403 }),
      new RateLimitError({ ...where, status: 429, retryAfter: 2 }),
      new CrossOriginRequestError(where),
      new NetworkError({ ...where, cause: new TypeError('offline') }),
      new TopicDeniedError({ ...where, status: 403, topics: ['orders'] }),
    ];
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['HttpError', 'http_error'],
      ['AllowlistViolationError', 'allowlist_violation'],
      ['RateLimitError', 'rate_limited'],
      ['CrossOriginRequestError', 'cross_origin'],
      ['NetworkError', 'network_error'],
      ['TopicDeniedError', 'topic_not_allowed'],
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(AppError);
      expect(e).toMatchObject(where);
      expect(e.message.startsWith('[sneaky] GET /api/orders: ')).toBe(true);
    }
  });

  it('HTTP errors say what kind of refusal they are', () => {
    const v = new AllowlistViolationError({ ...where, status: 403, serverMessage: 'not on the allow-list' });
    expect(v.message).toBe('[sneaky] GET /api/orders: HTTP 403 (allow-list violation) not on the allow-list');
    const r = new RateLimitError({ ...where, status: 429, retryAfter: 5 });
    expect(r.message).toContain('rate limited, retry after 5s');
    expect(new TopicDeniedError({ ...where, status: 403, topics: ['orders'] }).topics).toEqual(['orders']);
  });

  it('keeps the cause', () => {
    const cause = new TypeError('Failed to fetch');
    expect(new NetworkError({ ...where, cause }).cause).toBe(cause);
  });

  it('parses Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { forwardRequestHeaders, forwardResponseHeaders } from './headers.js';

describe('forwardRequestHeaders', () => {
  it('drops hop-by-hop, credentials, overrides and client identity copies; attaches the BFF identity', () => {
    const out = forwardRequestHeaders(
      {
        accept: 'application/json',
        connection: 'keep-alive, x-private',
        'x-private': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        cookie: 'exp_session=1',
        authorization: 'Bearer x',
        'x-http-method-override': 'DELETE',
        'x-experience-user': 'root',
        'x-experience-anything': '1',
        'x-forwarded-for': '6.6.6.6',
        host: 'localhost',
      },
      { 'x-experience-user': 'alice' },
    );
    expect(out).toEqual({ accept: 'application/json', 'x-experience-user': 'alice' });
  });
});

describe('forwardResponseHeaders', () => {
  it('keeps what the BFF owns and drops cookies and hop-by-hop headers', () => {
    const out = forwardResponseHeaders(
      { 'content-type': 'application/json', 'set-cookie': ['a=1'], 'content-security-policy': "script-src *", connection: 'x-h', 'x-h': '1', etag: '"1"' },
      new Set(['content-security-policy']),
    );
    expect(Object.fromEntries(out)).toEqual({ 'content-type': 'application/json', etag: '"1"' });
  });
});

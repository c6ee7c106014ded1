import { describe, expect, it } from 'vitest';
import { testContext, testSnapshot } from '../../testing/context.js';
import { tenantOf, tenantStep } from './index.js';

function judged(headers: Record<string, string>, options = { trustProxy: false }, httpVersion: '1.0' | '1.1' = '1.1') {
  const ctx = testContext({ headers, httpVersion });
  ctx.state.snapshot = testSnapshot();
  tenantStep(options).run(ctx);
  return ctx;
}

describe('tenantStep', () => {
  it('sets ctx.state.tenant from the host name, without the port', () => {
    expect(tenantOf(judged({ host: 'localhost:8080' }))).toBe('localhost');
  });

  it.each<[string, Record<string, string>, { trustProxy: boolean }, string, string]>([
    ['a host that is not a tenant', { host: 'other.example' }, { trustProxy: false }, 'unknown_tenant', 'NotFoundError'],
    ['a malformed host', { host: 'user@localhost' }, { trustProxy: false }, 'malformed_request', 'InputError'],
    ['a trusted X-Forwarded-Host that is not a tenant', { host: 'localhost', 'x-forwarded-host': 'other.example' }, { trustProxy: true }, 'unknown_tenant', 'NotFoundError'],
  ])('refuses %s', (_name, headers, options, code, name) => {
    expect(() => judged(headers, options)).toThrow(expect.objectContaining({ code, name }));
  });

  it('ignores X-Forwarded-Host unless the proxy is trusted', () => {
    expect(tenantOf(judged({ host: 'localhost', 'x-forwarded-host': 'other.example' }))).toBe('localhost');
  });

  it('refuses an HTTP/1.0 request without a host: a tenant route needs one', () => {
    const ctx = testContext({ httpVersion: '1.0' });
    ctx.req.headers = {};
    ctx.req.rawHeaders = [];
    ctx.state.snapshot = testSnapshot();
    expect(() => tenantStep({ trustProxy: false }).run(ctx)).toThrow(expect.objectContaining({ code: 'malformed_request' }));
  });

  it('needs the snapshot and sets the tenant', () => {
    expect(tenantStep({ trustProxy: false })).toMatchObject({ needs: ['snapshot'], sets: ['tenant'] });
  });
});

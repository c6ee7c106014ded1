import { describe, expect, it } from 'vitest';
import { testContext, testSnapshot } from '../../testing/context.js';
import { createHostCheck, tenantOf, tenantStep } from './index.js';

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

  it.each<[string, Record<string, string>, boolean, boolean]>([
    ['Host', { host: 'localhost:8080' }, false, false],
    ['a trusted X-Forwarded-Host', { host: 'other.example', 'x-forwarded-host': 'localhost' }, true, true],
    ['an untrusted X-Forwarded-Host', { host: 'localhost', 'x-forwarded-host': 'other.example' }, false, false],
    ['a check made with another trustProxy', { host: 'localhost', 'x-forwarded-host': 'other.example' }, true, false],
  ])('after the Host check (%s), the same tenant as reading the host itself', async (_name, headers, checkTrust, stepTrust) => {
    const checked = testContext({ headers });
    checked.state.snapshot = testSnapshot();
    await createHostCheck({ trustProxy: checkTrust })(checked, async () => undefined);
    const outcome = (ctx: ReturnType<typeof testContext>) => {
      try {
        tenantStep({ trustProxy: stepTrust }).run(ctx);
        return tenantOf(ctx);
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(outcome(checked)).toBe(outcome(judgedContext(headers)));
  });
});

function judgedContext(headers: Record<string, string>) {
  const ctx = testContext({ headers });
  ctx.state.snapshot = testSnapshot();
  return ctx;
}

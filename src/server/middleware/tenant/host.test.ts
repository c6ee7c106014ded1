import { describe, expect, it } from 'vitest';
import { firstForwarded, tenantFromHost } from './host.js';

describe('tenantFromHost', () => {
  it.each([
    ['localhost', 'localhost'],
    ['LOCALHOST:8080', 'localhost'],
    ['Acme.Example.COM', 'acme.example.com'],
    ['user:pw@acme.example.com:443', 'acme.example.com'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['127.0.0.1:80', '127.0.0.1'],
  ])('%s -> %s', (header, tenant) => {
    expect(tenantFromHost(header)).toBe(tenant);
  });

  it.each([undefined, '', 'a b', 'host:port', 'host:123456', '[::1', '[::1]x', '-bad', 'évil.com', 'a/b', '__proto__'])('%s is no tenant', (header) => {
    expect(tenantFromHost(header)).toBeUndefined();
  });

  it('takes the first forwarded value', () => {
    expect(firstForwarded('a.example, b.example')).toBe('a.example');
    expect(firstForwarded(undefined)).toBeUndefined();
    expect(firstForwarded(' ')).toBeUndefined();
  });
});

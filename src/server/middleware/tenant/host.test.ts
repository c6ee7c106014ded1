import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { parseHost, requestHost } from './host.js';

describe('parseHost accepts host[:port]', () => {
  it.each([
    ['localhost', 'localhost', undefined],
    ['LOCALHOST:8080', 'localhost', 8080],
    ['Acme.Example.COM', 'acme.example.com', undefined],
    ['acme.example.com:1', 'acme.example.com', 1],
    ['acme.example.com:65535', 'acme.example.com', 65535],
    ['acme.example.com:00080', 'acme.example.com', 80],
    ['127.0.0.1:80', '127.0.0.1', 80],
    ['[::1]:8080', '[::1]', 8080],
    ['[::1]', '[::1]', undefined],
    ['[2001:DB8::1]', '[2001:db8::1]', undefined],
    ['[::ffff:192.0.2.1]:443', '[::ffff:192.0.2.1]', 443],
    // RFC 3986 reg-names that are no DNS name: syntactically hosts, so a 404, never a 400
    ['a_b~c', 'a_b~c', undefined],
    ['localhost.', 'localhost.', undefined],
    ['999.1.1.1', '999.1.1.1', undefined],
  ])('%j -> %s %s', (value, name, port) => {
    expect(parseHost(value)).toEqual({ name, port });
  });
});

describe('parseHost refuses anything else', () => {
  it.each([
    ['empty', ''],
    ['userinfo', 'user@localhost'],
    ['userinfo with password and port', 'user:pw@acme.example.com:443'],
    ['empty userinfo', '@localhost'],
    ['userinfo after the host', 'localhost@evil.example'],
    ['port only', ':8080'],
    ['empty port', 'localhost:'],
    ['port 0', 'localhost:0'],
    ['port over 65535', 'localhost:65536'],
    ['six-digit port', 'localhost:123456'],
    ['signed port', 'localhost:+80'],
    ['non-digit port', 'localhost:http'],
    ['hex port', 'localhost:0x50'],
    ['two ports', 'localhost:80:80'],
    ['trailing junk after the port', 'localhost:80x'],
    ['space', 'local host'],
    ['leading space', ' localhost'],
    ['trailing space', 'localhost '],
    ['tab', 'local\thost'],
    ['trailing newline', 'localhost\n'],
    ['NUL', 'localhost\u0000'],
    ['DEL', 'localhost\u007f'],
    ['no-break space', 'localhost\u00a0'],
    ['percent-encoded letter', 'local%68ost'],
    ['percent-encoded dot', 'evil%2eexample'],
    ['comma-joined duplicates', 'localhost,evil.example'],
    ['comma-joined with space', 'localhost, evil.example'],
    ['backslash', 'evil.example\\localhost'],
    ['backslash before @', 'evil.example\\@localhost'],
    ['slash', 'localhost/evil'],
    ['query', 'localhost?x'],
    ['fragment', 'localhost#x'],
    ['semicolon', 'localhost;evil'],
    ['sub-delims', "a!$&'()*+=b"],
    ['quote', 'local"host'],
    ['non-ASCII', 'évil.example'],
    ['latin-1 bytes as Node reads them', 'Ã©vil.example'],
    ['unterminated IPv6', '[::1'],
    ['junk after IPv6', '[::1]x'],
    ['IPv6 with empty port', '[::1]:'],
    ['bare IPv6', '::1'],
    ['invalid IPv6', '[1:2:3:4:5:6:7:8:9]'],
    ['IPv4 in brackets', '[127.0.0.1]'],
    ['IPv6 zone id', '[fe80::1%25eth0]'],
    ['IPvFuture', '[v1.fe]'],
    ['empty brackets', '[]'],
    ['nested brackets', '[[::1]]'],
  ])('%s (%j)', (_name, value) => {
    expect(parseHost(value)).toBeUndefined();
  });

  it('refuses any value with a character outside host[:port]', () => {
    const allowed = /^[A-Za-z0-9\-._~:[\]]$/;
    const foreign = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !allowed.test(c));
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), foreign, fc.string({ maxLength: 20 }), (before, c, after) => {
        expect(parseHost(`${before}${c}${after}`)).toBeUndefined();
      }),
    );
  });

  it('reads a well-formed name and port back exactly (lower-cased)', () => {
    const label = fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (labels, port) => {
        const name = labels.join('.');
        expect(parseHost(port === undefined ? name : `${name}:${port}`)).toEqual({ name: name.toLowerCase(), port });
      }),
    );
  });
});

/** A request as Node hands it over: rawHeaders keeps every line, in order. */
function req(rawHeaders: string[], version = '1.1'): IncomingMessage {
  const [major, minor] = version.split('.').map(Number);
  return { rawHeaders, httpVersionMajor: major, httpVersionMinor: minor } as unknown as IncomingMessage;
}

const direct = { trustProxy: false };
const proxied = { trustProxy: true };

function refused(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect((thrown as InputError).code).toBe('malformed_request');
}

describe('requestHost', () => {
  it.each([
    ['Host', direct, ['Host', 'Acme.localhost:8080'], '1.1', 'acme.localhost'],
    ['header name in any case', direct, ['hOsT', 'localhost'], '1.1', 'localhost'],
    ['X-Forwarded-Host ignored without a trusted proxy', direct, ['Host', 'localhost', 'X-Forwarded-Host', 'acme.localhost'], '1.1', 'localhost'],
    ['X-Forwarded-Host not even checked without a trusted proxy', direct, ['Host', 'localhost', 'X-Forwarded-Host', 'u@evil, x'], '1.1', 'localhost'],
    ['trusted X-Forwarded-Host', proxied, ['Host', 'internal:8080', 'X-Forwarded-Host', 'acme.localhost'], '1.1', 'acme.localhost'],
    ['trusted proxy, no X-Forwarded-Host: Host', proxied, ['Host', 'localhost'], '1.1', 'localhost'],
    ['HTTP/1.0 without Host', direct, [], '1.0', undefined],
  ])('%s', (_name, options, raw, version, name) => {
    expect(requestHost(req(raw, version), options)?.name).toBe(name);
  });

  it.each([
    ['no Host on HTTP/1.1', direct, [], '1.1'],
    ['no Host on HTTP/1.1 behind a proxy that sets X-Forwarded-Host', proxied, ['X-Forwarded-Host', 'localhost'], '1.1'],
    ['empty Host', direct, ['Host', ''], '1.1'],
    ['two Host lines', direct, ['Host', 'localhost', 'Host', 'evil.example'], '1.1'],
    ['two identical Host lines', direct, ['Host', 'localhost', 'host', 'localhost'], '1.1'],
    ['two Host lines on HTTP/1.0', direct, ['Host', 'localhost', 'Host', 'evil.example'], '1.0'],
    ['malformed Host on HTTP/1.0', direct, ['Host', 'u@localhost'], '1.0'],
    ['malformed Host behind a trusted proxy', proxied, ['Host', 'u@internal', 'X-Forwarded-Host', 'localhost'], '1.1'],
    ['empty X-Forwarded-Host', proxied, ['Host', 'localhost', 'X-Forwarded-Host', ''], '1.1'],
    ['X-Forwarded-Host with userinfo', proxied, ['Host', 'localhost', 'X-Forwarded-Host', 'u@acme.localhost'], '1.1'],
    ['comma-joined X-Forwarded-Host', proxied, ['Host', 'internal', 'X-Forwarded-Host', 'acme.localhost, localhost'], '1.1'],
    ['two X-Forwarded-Host lines', proxied, ['Host', 'internal', 'X-Forwarded-Host', 'acme.localhost', 'X-Forwarded-Host', 'localhost'], '1.1'],
    ['two identical X-Forwarded-Host lines', proxied, ['Host', 'internal', 'X-Forwarded-Host', 'localhost', 'x-forwarded-host', 'localhost'], '1.1'],
  ])('%s is malformed', (_name, options, raw, version) => {
    refused(() => requestHost(req(raw, version), options));
  });
});

import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { resolveBundlePath } from './bundle-source.js';

const ROOT = '/srv/plugins';

describe('resolveBundlePath', () => {
  it('maps a configured bundle file below the plugins root', () => {
    expect(resolveBundlePath(ROOT, '/app/plugins/hello/1.0.0/index.esm.js')).toBe('/srv/plugins/hello/1.0.0/index.esm.js');
    expect(resolveBundlePath('/srv/plugins/', '/app/plugins/hello/index.mjs')).toBe('/srv/plugins/hello/index.mjs');
    expect(resolveBundlePath(ROOT, '/mnt/b/orders/2.1.0/index.esm.js', '/mnt/b')).toBe('/srv/plugins/orders/2.1.0/index.esm.js');
  });

  it('resolves a relative plugins root against the working directory', () => {
    expect(resolveBundlePath('plugins', '/app/plugins/hello/index.js')).toBe(path.resolve('plugins', 'hello', 'index.js'));
  });

  it.each([
    ['parent segments', '/app/plugins/../etc/passwd.js'],
    ['parent segments deep', '/app/plugins/hello/../../../../etc/x.js'],
    ['a parent segment at the end', '/app/plugins/hello/..'],
    ['dot segments', '/app/plugins/./hello/index.js'],
    ['empty segments', '/app/plugins//hello/index.js'],
    ['the mount itself', '/app/plugins'],
    ['the mount with a slash', '/app/plugins/'],
    ['a sibling of the mount', '/app/plugins-evil/hello/index.js'],
    ['a path outside the mount', '/etc/passwd'],
    ['a relative path', 'app/plugins/hello/index.js'],
    ['a relative parent path', '../plugins/hello/index.js'],
    ['an empty string', ''],
    ['percent-encoded dots', '/app/plugins/%2e%2e/%2e%2e/etc/x.js'],
    ['an encoded slash', '/app/plugins/hello%2f..%2f..%2fx.js'],
    ['double encoding', '/app/plugins/hello/%252e%252e/x.js'],
    ['backslashes', '/app/plugins/hello\\..\\..\\x.js'],
    ['a backslash root', '\\app\\plugins\\hello\\index.js'],
    ['NUL', '/app/plugins/hello/index.js\0.png'],
    ['a newline', '/app/plugins/hello/index\n.js'],
    ['not a script', '/app/plugins/hello/secret.json'],
    ['a trailing slash', '/app/plugins/hello/index.js/'],
  ])('refuses %s', (_what, file) => {
    expect(() => resolveBundlePath(ROOT, file)).toThrow(InputError);
    try {
      resolveBundlePath(ROOT, file);
    } catch (error) {
      expect((error as InputError).code).toBe('invalid_bundle_path');
    }
  });

  it('refuses non-strings from untyped callers', () => {
    expect(() => resolveBundlePath(ROOT, undefined as unknown as string)).toThrow(InputError);
    expect(() => resolveBundlePath(ROOT, ['/app/plugins/a/b.js'] as unknown as string)).toThrow(InputError);
  });

  it('refuses a malformed mount as a programming error', () => {
    for (const mount of ['', '/', 'app/plugins', '/app/plugins/', '/app/../plugins', '/app//plugins']) {
      expect(() => resolveBundlePath(ROOT, '/app/plugins/a/b.js', mount)).toThrow(TypeError);
    }
  });

  it('never returns a path outside the root, whatever the input (property)', () => {
    const piece = fc.constantFrom('..', '.', '', 'a', 'hello', 'x.js', '%2e', '%2f', '%00', '\\', '\0', '/', '//', '~', 'app', 'plugins', '..\\..', ' ', '.js');
    const file = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((parts) => `/app/plugins/${parts.join('/')}`),
      fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
      fc.string(),
    );
    let accepted = 0;
    fc.assert(
      fc.property(file, (f) => {
        let resolved: string;
        try {
          resolved = resolveBundlePath(ROOT, f);
        } catch (error) {
          return error instanceof InputError;
        }
        accepted++;
        const rel = path.relative(ROOT, resolved);
        return resolved.startsWith(`${ROOT}/`) && rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && rel === f.slice('/app/plugins/'.length);
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator does reach the accepting branch
  });
});

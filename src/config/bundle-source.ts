import path from 'node:path';
import { InputError } from '../errors/index.js';

/** Where bundles are mounted in the container unless configured otherwise. */
export const DEFAULT_BUNDLE_MOUNT = '/app/plugins';

export type BundleFileCheck =
  | { ok: true; /** The path below the mount, e.g. `hello/1.0.0/index.esm.js`. */ relative: string }
  | { ok: false; code: 'invalid_bundle_path' | 'bundle_outside_root'; reason: string };

/**
 * Checks a `bundle.file` path as written in plugins.yaml: a clean absolute POSIX path to a
 * `.js`/`.mjs` file below `mount` (and below `<mount>/<pluginId>/` when an id is given).
 * Strings only, never the file system: `..`, `.`, `//`, backslashes, NUL and `%` are refused
 * outright rather than normalized, so what is validated is exactly what is served.
 */
export function checkBundleFile(file: string, mount: string, pluginId?: string): BundleFileCheck {
  const malformed = (reason: string) => ({ ok: false as const, code: 'invalid_bundle_path' as const, reason });
  if (!file.startsWith('/')) return malformed('bundle.file must be an absolute path');
  if (file.includes('\0')) return malformed('bundle.file must not contain NUL');
  if (file.includes('\\')) return malformed('bundle.file must not contain "\\"');
  if (file.includes('%')) return malformed('bundle.file must not contain "%" (no percent-encoding)');
  if (/[\p{Cc}]/u.test(file)) return malformed('bundle.file must not contain control characters');
  const segments = file.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) return malformed('bundle.file must not have "." or ".." segments');
  if (segments.some((s) => s === '') || path.posix.normalize(file) !== file) return malformed('bundle.file must not have empty segments ("//" or a trailing "/")');
  if (!/\.m?js$/.test(file)) return malformed('bundle.file must name a .js or .mjs file');
  const root = pluginId === undefined ? mount : `${mount}/${pluginId}`;
  if (!file.startsWith(`${root}/`)) {
    return { ok: false, code: 'bundle_outside_root', reason: `bundle.file must be inside ${root}/` };
  }
  return { ok: true, relative: file.slice(mount.length + 1) };
}

/**
 * Maps a configured `bundle.file` (e.g. `/app/plugins/hello/1.0.0/index.esm.js`) to the file
 * under `pluginsRoot` that holds it on this machine. Never returns a path outside pluginsRoot;
 * anything else throws InputError (`invalid_bundle_path`). String-only: symlinks are not followed.
 * @example resolveBundlePath('/srv/plugins', '/app/plugins/hello/1.0.0/index.esm.js') // '/srv/plugins/hello/1.0.0/index.esm.js'
 */
export function resolveBundlePath(pluginsRoot: string, bundleFile: string, bundleMount: string = DEFAULT_BUNDLE_MOUNT): string {
  assertMount(bundleMount);
  if (typeof bundleFile !== 'string') throw new InputError('invalid_bundle_path', 'bundle file must be a string');
  const checked = checkBundleFile(bundleFile, bundleMount);
  if (!checked.ok) throw new InputError('invalid_bundle_path', `${checked.reason}: ${JSON.stringify(bundleFile)}`);
  const root = path.resolve(pluginsRoot);
  const resolved = path.resolve(root, ...checked.relative.split('/'));
  // Belt and braces: the checks above already exclude every way out; this makes it structural.
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError('invalid_bundle_path', `bundle file escapes the plugins root: ${JSON.stringify(bundleFile)}`);
  }
  return resolved;
}

/** A bundle mount is a clean absolute path other than `/` (the CLI checks `--plugins-mount` by it). */
export function isCleanMount(mount: string): boolean {
  return mount.startsWith('/') && mount !== '/' && !mount.endsWith('/') && path.posix.normalize(mount) === mount && !/[\\%\0]/.test(mount);
}

/** The mount is configuration, not input: a malformed one is a programming error. */
export function assertMount(mount: string): void {
  if (!isCleanMount(mount)) {
    throw new TypeError(`bundle mount must be a clean absolute path other than "/", got ${JSON.stringify(mount)}`);
  }
}

const DEV_URL = /^http:\/\/(?:localhost|127\.0\.0\.1)(?::(\d{1,5}))?\/[^\s#\\]*$/;

/**
 * Checks a `bundle.url`: development only, and only a local dev server. The raw string is
 * matched, not a parsed URL, because URL parsing would turn `http://0x7f.1/` into 127.0.0.1.
 */
export function checkBundleUrl(url: string, mode: string): { ok: true } | { ok: false; code: 'bundle_url_not_allowed' | 'invalid_bundle_url'; reason: string } {
  if (mode !== 'development') {
    return { ok: false, code: 'bundle_url_not_allowed', reason: `bundle.url is only allowed in development mode (mode is ${mode}); use bundle.file` };
  }
  const port = DEV_URL.exec(url);
  if (port === null || (port[1] !== undefined && (Number(port[1]) < 1 || Number(port[1]) > 65535))) {
    return { ok: false, code: 'invalid_bundle_url', reason: 'bundle.url must be http://localhost[:port]/... or http://127.0.0.1[:port]/...' };
  }
  return { ok: true };
}

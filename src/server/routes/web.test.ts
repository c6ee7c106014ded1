import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../deps.js';
import { testContext } from '../testing/context.js';
import { isReserved, webRoute } from './web.js';

let dir: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xp-web-'));
  root = path.join(dir, 'web');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>shell</title>');
  await writeFile(path.join(root, 'assets', 'app-1234.js'), 'export {};');
  await writeFile(path.join(root, 'favicon.svg'), '<svg/>');
  await writeFile(path.join(dir, 'secret.txt'), 'never served');
  await writeFile(path.join(root, 'a;b'), 'odd name');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Serves `url` and says what was sent: the file's path (a stream), or the error's code. */
async function serve(url: string): Promise<{ status: number; file?: string; cache?: string; code?: string }> {
  const ctx = testContext({ url });
  try {
    await webRoute({ settings: { webRoot: root } } as AppDeps)(ctx, async () => undefined);
  } catch (error) {
    return { status: 0, code: (error as { code?: string }).code };
  }
  const body = ctx.body as ReadStream | undefined;
  body?.destroy();
  return { status: ctx.status, file: body ? String(body.path) : undefined, cache: ctx.response.get('Cache-Control') };
}

describe('webRoute', () => {
  it('serves built files as they are, hashed assets immutable', async () => {
    expect(await serve('/favicon.svg')).toMatchObject({ status: 200, file: path.join(root, 'favicon.svg'), cache: 'no-cache' });
    expect(await serve('/assets/app-1234.js')).toMatchObject({ status: 200, file: path.join(root, 'assets', 'app-1234.js'), cache: 'public, max-age=31536000, immutable' });
  });

  it('answers any other path with the shell, never cached', async () => {
    for (const url of ['/', '/orders', '/orders/42/', '/hello?x=1']) {
      expect(await serve(url), url).toMatchObject({ status: 200, file: path.join(root, 'index.html'), cache: 'no-store' });
    }
  });

  it('a missing asset is a 404, not the shell', async () => {
    expect(await serve('/assets/gone.js')).toMatchObject({ code: 'not_found' });
  });

  // The path rules leave the shape of a path to the policy for plugin calls; outside /api/ the
  // shell must keep itself inside WEB_ROOT whatever the path (docs/contracts.md, "Path rules").
  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/a\\..\\..\\secret.txt',
    '/index.html%00.js',
    '/%00',
    '/./favicon.svg',
    '/assets/./app-1234.js',
    '/..;/secret.txt',
    '/%zz',
  ])('%s never reaches a file outside WEB_ROOT', async (url) => {
    const sent = await serve(url);
    if (sent.file !== undefined) expect(sent.file.startsWith(root + path.sep)).toBe(true);
    expect(sent.file).not.toBe(path.join(dir, 'secret.txt'));
  });

  it.each(['/%2e%2e/secret.txt', '/..%5csecret.txt', '/index.html%00', '/./favicon.svg', '/%zz'])('%s is a 404 (dot segment, backslash, NUL or bad encoding once decoded)', async (url) => {
    expect(await serve(url)).toMatchObject({ code: 'not_found' });
  });

  it('does not follow a symlink out of WEB_ROOT: the path is an SPA route like any other', async () => {
    await symlink(path.join(dir, 'secret.txt'), path.join(root, 'linked.txt'));
    await symlink(path.join(root, 'favicon.svg'), path.join(root, 'inside.svg'));
    expect(await serve('/linked.txt')).toMatchObject({ status: 200, file: path.join(root, 'index.html') });
    expect(await serve('/inside.svg')).toMatchObject({ status: 200, file: path.join(root, 'favicon.svg') });
  });

  it('serves index.html only as the shell (no-store), never as a file', async () => {
    expect(await serve('/index.html')).toMatchObject({ file: path.join(root, 'index.html'), cache: 'no-store' });
  });
});

describe('isReserved', () => {
  it.each([
    ['/api/x', true],
    ['/auth/session', true],
    ['/events/stream', true],
    ['/healthz', true],
    ['/metrics/x', true],
    ['/orders', false],
    ['/apix', false],
  ])('%s -> %s', (p, reserved) => {
    expect(isReserved(p)).toBe(reserved);
  });
});

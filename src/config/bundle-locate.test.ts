import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { locateBundleFile } from './bundle-locate.js';

const MOUNT = '/app/plugins';
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xp-locate-'));
  await mkdir(path.join(root, 'hello', '1.0.0'), { recursive: true });
  await mkdir(path.join(root, 'other'), { recursive: true });
  await writeFile(path.join(root, 'hello', '1.0.0', 'index.esm.js'), 'export {};');
  await writeFile(path.join(root, 'other', 'secret.js'), 'export {};');
  await symlink(path.join(root, 'other', 'secret.js'), path.join(root, 'hello', 'escape.js'));
  await mkdir(path.join(root, 'hello', 'dir.js'));
});

describe('locateBundleFile', () => {
  it('finds a bundle inside the plugin folder', async () => {
    expect(await locateBundleFile(root, MOUNT, 'hello', '/app/plugins/hello/1.0.0/index.esm.js')).toEqual({
      ok: true,
      file: path.join(root, 'hello', '1.0.0', 'index.esm.js'),
    });
  });

  it.each([
    ['another plugin folder', 'hello', '/app/plugins/other/secret.js', 'invalid_bundle_path'],
    ['a dot segment', 'hello', '/app/plugins/hello/../other/secret.js', 'invalid_bundle_path'],
    ['a plugin id that names no folder', '..', '/app/plugins/../x.js', 'invalid_bundle_path'],
    ['a symlink out of the plugin folder', 'hello', '/app/plugins/hello/escape.js', 'bundle_outside_root'],
    ['a missing file', 'hello', '/app/plugins/hello/2.0.0/index.esm.js', 'bundle_missing'],
    ['a folder', 'hello', '/app/plugins/hello/dir.js', 'bundle_missing'],
  ])('refuses %s', async (_what, id, file, code) => {
    const located = await locateBundleFile(root, MOUNT, id, file);
    expect(located).toMatchObject({ ok: false, code });
  });
});

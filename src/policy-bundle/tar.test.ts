import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeTarGz } from '../../test/support/opa-bundle.js';
import { EngineLoadError } from '../engine/errors.js';
import { bundleName, readTarGz } from './tar.js';

const bytes = (text: string) => Buffer.from(text);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof EngineLoadError ? `${error.code}: ${error.message}` : String(error);
  }
}

/** One PAX header ("x") naming the next entry, as Go writes long names. */
function paxFor(path: string): Uint8Array {
  const body = (n: number) => `${n} path=${path}\n`;
  let n = body(0).length;
  while (body(n).length !== n) n = body(n).length;
  return bytes(body(n));
}

describe('readTarGz', () => {
  it('reads regular files by name without the leading "/", skipping directories', async () => {
    const tar = writeTarGz([['/dir/', bytes('')], ['/policy.wasm', bytes('wasm')], ['./data.json', bytes('{}')], ['dir/a.rego', bytes('package a')]], { '/dir/': '5' });
    const files = await readTarGz(tar);
    expect([...files.keys()]).toEqual(['policy.wasm', 'data.json', 'dir/a.rego']);
    expect(Buffer.from(files.get('dir/a.rego')!).toString()).toBe('package a');
  });

  it('takes a PAX header\'s path for the next entry (names past 100 bytes)', async () => {
    const long = `${'a/'.repeat(70)}policy.rego`;
    const files = await readTarGz(writeTarGz([['PaxHeaders/x', paxFor(long)], ['short', bytes('x')]], { 'PaxHeaders/x': 'x' }));
    expect([...files.keys()]).toEqual([long]);
  });

  it.each([
    ['a symlink', writeTarGz([['/link', bytes('')]], { '/link': '2' }), /not a regular file/],
    ['a hard link', writeTarGz([['/link', bytes('')]], { '/link': '1' }), /not a regular file/],
    ['a name that climbs', writeTarGz([['../escape', bytes('x')]]), /name a bundle cannot hold/],
    ['a name with a "." segment', writeTarGz([['a/./b', bytes('x')]]), /name a bundle cannot hold/],
    ['the same name twice', writeTarGz([['/a', bytes('1')], ['a', bytes('2')]]), /holds a twice/],
    ['not gzip', bytes('plain text'), /not a gzip file/],
    ['gzip, cut short', writeTarGz([['/a', bytes('x'.repeat(5000))]]).subarray(0, 40), /corrupt or truncated/],
    ['gzip of something else', gzipSync(Buffer.alloc(600, 7)), /checksum|malformed number/],
    ['gzip of text', gzipSync(Buffer.from('x'.repeat(600))), /checksum|malformed number/],
    ['an entry longer than the archive', gzipSync(Buffer.from(writeTarGzRaw()).subarray(0, 700)), /truncated/],
  ])('refuses %s', async (_what, tar, message) => {
    const result = await codeOf(readTarGz(tar));
    expect(result).toMatch(/^policy_bundle_invalid: /);
    expect(result).toMatch(message);
  });

  it('refuses a bundle that unpacks past the limit without holding it', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(await codeOf(readTarGz(bomb, { maxBytes: 1024 * 1024 }))).toMatch(/^policy_bundle_invalid: the bundle unpacks to more than 1048576 bytes/);
    const many = writeTarGz(Array.from({ length: 5 }, (_, i): [string, Uint8Array] => [`/f${i}`, bytes('x')]));
    expect(await codeOf(readTarGz(many, { maxFiles: 4 }))).toMatch(/more than 4 files/);
  });
});

describe('bundleName', () => {
  it.each([['/a/b.rego', 'a/b.rego'], ['./a', 'a'], ['//a', 'a']])('%s -> %s', (raw, name) => expect(bundleName(raw)).toBe(name));
  it.each(['', '/', 'a/../b', '..', 'a\\b', 'a\0b'])('refuses %j', (raw) => expect(() => bundleName(raw)).toThrow(EngineLoadError));
});

/** An uncompressed tar whose one entry claims 5000 bytes. */
function writeTarGzRaw(): Uint8Array {
  return gunzipSync(writeTarGz([['/a', bytes('x'.repeat(5000))]]));
}

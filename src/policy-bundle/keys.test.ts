import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineLoadError } from '../engine/errors.js';
import { loadBundleKeys, parseBundleKeys } from './keys.js';

const pem = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) => key.export({ type: 'spki', format: 'pem' }).toString();
const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
const rsaSmall = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
const p256 = pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
const block = (text: string) => `|\n${text.trim().split('\n').map((l) => `      ${l}`).join('\n')}`;
const yaml = (entry: string) => `keys:\n  dev:\n${entry}\n`;

async function problem(text: string): Promise<string> {
  try {
    await parseBundleKeys(text, '.');
    return 'accepted';
  } catch (error) {
    if (!(error instanceof EngineLoadError)) throw error;
    expect(error.code).toBe('policy_bundle_keys_invalid');
    return error.message;
  }
}

describe('parseBundleKeys', () => {
  it('reads keys by keyid, RS256 by default as OPA, with their scope', async () => {
    const keys = await parseBundleKeys(`keys:\n  a:\n    key: ${block(rsa)}\n  b:\n    algorithm: ES256\n    key: ${block(p256)}\n    scope: write\n`, '.');
    expect([...keys.values()].map((k) => [k.keyid, k.algorithm, k.scope, k.key.asymmetricKeyType])).toEqual([
      ['a', 'RS256', '', 'rsa'],
      ['b', 'ES256', 'write', 'ec'],
    ]);
  });

  it('reads a key from a file beside the keys file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xp-keys-'));
    await writeFile(join(dir, 'dev.pub.pem'), rsa);
    await writeFile(join(dir, 'keys.yaml'), yaml('    file: dev.pub.pem'));
    expect((await loadBundleKeys(join(dir, 'keys.yaml'), 'conf/keys.yaml')).get('dev')?.algorithm).toBe('RS256');
  });

  it.each([
    ['not YAML', 'keys: [', /not valid YAML/],
    ['no keys', 'keys: {}\n', /at least one keyid/],
    ['another top-level field', `keys:\n  dev:\n    key: ${block(rsa)}\nextra: 1\n`, /unknown field/],
    ['an unknown field in a key', yaml(`    key: ${block(rsa)}\n    keyid: x`), /unknown field/],
    ['an unknown algorithm', yaml(`    algorithm: none\n    key: ${block(rsa)}`), /algorithm must be one of/],
    ['both key and file', yaml(`    key: ${block(rsa)}\n    file: x.pem`), /exactly one of key and file/],
    ['neither key nor file', yaml('    algorithm: RS256'), /exactly one of key and file/],
    ['a key that is not PEM', yaml('    key: hello'), /not a PEM public key/],
    ['an EC key for RS256', yaml(`    key: ${block(p256)}`), /needs an RSA key/],
    ['an RSA key for ES256', yaml(`    algorithm: ES256\n    key: ${block(rsa)}`), /needs an EC key/],
    ['a P-256 key for ES384', yaml(`    algorithm: ES384\n    key: ${block(p256)}`), /needs curve secp384r1/],
    ['an RSA key under 2048 bits', yaml(`    key: ${block(rsaSmall)}`), /at least 2048 bits/],
    ['a PEM key as an HMAC secret', yaml(`    algorithm: HS256\n    key: ${block(rsa)}`), /shared secret, not a PEM key/],
    ['a short HMAC secret', yaml('    algorithm: HS256\n    key: "short"'), /at least 32 bytes/],
    ['a missing key file', yaml('    file: nowhere.pem'), /cannot read file nowhere.pem \(ENOENT\)/],
    ['a scope that is not text', yaml(`    key: ${block(rsa)}\n    scope: [a]`), /scope must be text/],
  ])('refuses %s', async (_what, text, message) => {
    expect(await problem(text)).toMatch(message);
  });

  it('names the keys file as configured when it cannot be read', async () => {
    await expect(loadBundleKeys('/nowhere/keys.yaml', 'conf/keys.yaml')).rejects.toMatchObject({ code: 'policy_bundle_keys_invalid', file: 'conf/keys.yaml' });
  });
});

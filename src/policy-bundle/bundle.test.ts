import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, devKey, keysYaml, writeTarGz, type DevKey } from '../../test/support/opa-bundle.js';
import { EngineLoadError } from '../engine/errors.js';
import { readBundle } from './bundle.js';
import { parseBundleKeys, type BundleKeys } from './keys.js';
import { readTarGz } from './tar.js';

const REGO = { 'p.rego': 'package t\n\n# METADATA\n# entrypoint: true\nallow := input.x == 1\n' };
const ENTRYPOINTS = ['t/allow'];

let rsa: DevKey;
let other: DevKey;
let keys: BundleKeys;
let signed: Buffer;
let unsigned: Buffer;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineLoadError) return error.code;
    throw error;
  }
  return 'accepted';
}

/** The signed bundle's files, in OPA's order and with OPA's names ("/policy.wasm"). */
async function entries(bundle: Buffer): Promise<Array<[string, Uint8Array]>> {
  return [...(await readTarGz(bundle))].map(([name, bytes]) => [`/${name}`, bytes]);
}

beforeAll(async () => {
  [rsa, other] = await Promise.all([devKey('RS256'), devKey('RS256')]);
  keys = await parseBundleKeys(keysYaml({ dev: { key: rsa } }), '.');
  [signed, unsigned] = await Promise.all([
    buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, revision: 'rev-42', sign: { key: rsa, keyid: 'dev' } }),
    buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, revision: 'rev-42' }),
  ]);
}, 60_000);

describe('readBundle', () => {
  it('takes the Wasm module and revision of a bundle opa built and signed', async () => {
    const bundle = await readBundle(signed, keys);
    expect(bundle.revision).toBe('rev-42');
    expect(bundle.verified).toBe(true);
    expect(Buffer.from(bundle.wasm.subarray(0, 4)).toString('hex')).toBe('0061736d');
  });

  it('re-packing the same files keeps it valid (the tampering below is what is refused, not the writer)', async () => {
    await expect(readBundle(writeTarGz(await entries(signed)), keys)).resolves.toMatchObject({ revision: 'rev-42' });
  });

  it('without keys, takes an unsigned bundle and ignores a signature', async () => {
    expect((await readBundle(unsigned, undefined)).verified).toBe(false);
    expect((await readBundle(signed, undefined)).revision).toBe('rev-42');
  });

  it('with keys, refuses each unsigned, tampered or wrongly signed bundle with its code', async () => {
    const files = await entries(signed);
    const replace = (name: string, bytes: Uint8Array) => files.map(([n, b]): [string, Uint8Array] => [n, n === name ? bytes : b]);
    const wasm = files.find(([n]) => n === '/policy.wasm')![1];
    const flipped = Buffer.from(wasm);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
    const manifest = JSON.parse(Buffer.from(files.find(([n]) => n === '/.manifest')![1]).toString()) as Record<string, unknown>;
    const otherSigned = await buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, sign: { key: other, keyid: 'dev' } });
    const unknownKeyid = await buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, sign: { key: rsa, keyid: 'elsewhere' } });
    const scoped = await buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, sign: { key: rsa, keyid: 'dev', scope: 'write' } });
    const signatures = JSON.parse(Buffer.from(files.find(([n]) => n === '/.signatures.json')![1]).toString()) as { signatures: string[] };
    const [h, p, s] = signatures.signatures[0]!.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as { files: Array<{ name: string; hash: string }> };
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, files: payload.files.map((f) => (f.name === 'policy.wasm' ? { ...f, hash: '00'.repeat(32) } : f)) })).toString('base64url');
    // Algorithm confusion: HS256 with the configured RSA public key as the secret.
    const confusedHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'dev', typ: 'JWT' })).toString('base64url');
    const confusedSig = createHmac('sha256', rsa.publicPem).update(`${confusedHeader}.${p}`).digest('base64url');
    const withSignatures = (value: unknown) => replace('/.signatures.json', Buffer.from(JSON.stringify(value)));

    const cases: Array<[string, Buffer, string]> = [
      ['unsigned', unsigned, 'policy_bundle_unsigned'],
      ['one byte of policy.wasm changed', writeTarGz(replace('/policy.wasm', flipped)), 'policy_bundle_file_mismatch'],
      ['a file added', writeTarGz([...files, ['/extra.rego', Buffer.from('package extra\n')]]), 'policy_bundle_file_mismatch'],
      ['a signed file removed', writeTarGz(files.filter(([n]) => !n.endsWith('.rego'))), 'policy_bundle_file_mismatch'],
      ['the manifest revision changed', writeTarGz(replace('/.manifest', Buffer.from(JSON.stringify({ ...manifest, revision: 'rev-43' })))), 'policy_bundle_file_mismatch'],
      ['signed by another key', otherSigned, 'policy_bundle_signature_invalid'],
      ['a keyid not configured', unknownKeyid, 'policy_bundle_key_unknown'],
      ['a scope the key does not have', scoped, 'policy_bundle_signature_invalid'],
      ['the payload edited, signature kept', writeTarGz(withSignatures({ signatures: [`${h}.${forgedPayload}.${s}`] })), 'policy_bundle_signature_invalid'],
      ['HS256 keyed with the public key', writeTarGz(withSignatures({ signatures: [`${confusedHeader}.${p}.${confusedSig}`] })), 'policy_bundle_signature_invalid'],
      ['two JWTs', writeTarGz(withSignatures({ signatures: [signatures.signatures[0], signatures.signatures[0]] })), 'policy_bundle_signature_invalid'],
      ['no JWT', writeTarGz(withSignatures({ signatures: [] })), 'policy_bundle_signature_invalid'],
      ['a second .signatures.json deeper down', writeTarGz([...files, ['/x/.signatures.json', Buffer.from('{}')]]), 'policy_bundle_invalid'],
      ['not gzip', Buffer.from('policy'), 'policy_bundle_invalid'],
    ];
    const results = await Promise.all(cases.map(async ([what, bytes]) => [what, await codeOf(readBundle(bytes, keys))]));
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(cases.map(([what, , code]) => [what, code])));
  }, 60_000);

  it('checks ES256 and HS256 signatures made by opa', async () => {
    for (const algorithm of ['ES256', 'HS256'] as const) {
      const key = await devKey(algorithm);
      const bundle = await buildBundle({ files: REGO, entrypoints: ENTRYPOINTS, sign: { key, keyid: 'k' } });
      const pinned = await parseBundleKeys(keysYaml({ k: { key } }), '.');
      await expect(readBundle(bundle, pinned), algorithm).resolves.toMatchObject({ verified: true });
      // The same key under another algorithm is refused: the configured one is pinned.
      const wrongAlg = algorithm === 'ES256' ? 'ES384' : 'HS512';
      await expect(codeOf(parseBundleKeys(keysYaml({ k: { key, algorithm: wrongAlg } }), '.').then((k) => readBundle(bundle, k)))).resolves.toMatch(
        /^policy_bundle_(signature_invalid|keys_invalid)$/,
      );
    }
  }, 60_000);

  it('refuses a bundle without a Wasm module, or with data of its own', async () => {
    const files = await entries(unsigned);
    const noWasm = writeTarGz(files.filter(([n]) => n !== '/policy.wasm'));
    const withData = writeTarGz(files.map(([n, b]): [string, Uint8Array] => [n, n === '/data.json' ? Buffer.from('{"registry": {}}') : b]));
    const yamlData = writeTarGz([...files, ['/data.yaml', Buffer.from('a: 1\n')]]);
    for (const bytes of [noWasm, withData, yamlData]) await expect(codeOf(readBundle(bytes, undefined))).resolves.toBe('policy_bundle_invalid');
    // Empty data, written any way, is fine.
    const spaced = writeTarGz(files.map(([n, b]): [string, Uint8Array] => [n, n === '/data.json' ? Buffer.from(' { }\n') : b]));
    await expect(readBundle(spaced, undefined)).resolves.toMatchObject({ revision: 'rev-42' });
  });
});

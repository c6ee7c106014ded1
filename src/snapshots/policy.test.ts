import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import { EngineLoadError, type EngineLoadCode } from '../engine/index.js';
import type { PolicyBytes, PolicySource } from '../policy-bundle/index.js';
import { SnapshotBuildError } from './errors.js';
import { isBundleRefusal, policyDigest, readPolicySource } from './policy.js';

const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A source whose read() answers as `read` says; counts its calls. */
function source(read: () => Promise<PolicyBytes>): PolicySource {
  return { read, watchFile: undefined, status: () => ({ source: 'url', signed: true, refused: {} }) };
}

describe('policyDigest', () => {
  it('is the sha256 of policy.wasm alone without a bundle (the digest main always had)', () => {
    expect(policyDigest({ wasm: bytes })).toBe(sha(bytes));
  });

  it('changes with the bundle revision, for the same module, and with the module, for the same revision', () => {
    const digests = [
      policyDigest({ wasm: bytes }),
      policyDigest({ wasm: bytes, bundleRevision: '' }),
      policyDigest({ wasm: bytes, bundleRevision: 'rev-1' }),
      policyDigest({ wasm: bytes, bundleRevision: 'rev-2' }),
      policyDigest({ wasm: bytes.slice(1), bundleRevision: 'rev-1' }),
    ];
    expect(new Set(digests).size).toBe(digests.length);
    expect(policyDigest({ wasm: Uint8Array.from(bytes), bundleRevision: 'rev-1' })).toBe(digests[2]);
  });
});

describe('isBundleRefusal', () => {
  const bundleCodes: EngineLoadCode[] = [
    'policy_bundle_unreadable',
    'policy_bundle_invalid',
    'policy_bundle_unsigned',
    'policy_bundle_key_unknown',
    'policy_bundle_signature_invalid',
    'policy_bundle_file_mismatch',
    'policy_bundle_keys_invalid',
  ];
  it.each(bundleCodes)('%s is a refusal (the last good policy may stand in)', (code) => {
    expect(isBundleRefusal(new EngineLoadError(code, 'x'))).toBe(true);
  });

  it.each([
    ['a module the engine cannot load', new EngineLoadError('policy_not_opa', 'x')],
    ['an unreadable policy.wasm', new EngineLoadError('policy_unreadable', 'x')],
    ['a config error', new ConfigError([{ code: 'schema', file: 'p.yaml', line: 1, col: 1, path: '', message: 'x' }])],
    ['a build that timed out', new SnapshotBuildError('snapshot_build_timeout', 'x')],
    ['anything else', new Error('policy_bundle_invalid')],
  ])('%s is not', (_what, error) => {
    expect(isBundleRefusal(error)).toBe(false);
  });
});

describe('readPolicySource', () => {
  it('gives a copy of the module in a buffer of its own (not the unpacked tar it was cut from)', async () => {
    const tar = new Uint8Array(4096);
    tar.set(bytes, 1000);
    const wasm = tar.subarray(1000, 1000 + bytes.length);
    const read = await readPolicySource(source(async () => ({ wasm, bundleRevision: 'rev-1' })), 10_000);
    expect(read.bundleRevision).toBe('rev-1');
    expect([...read.wasm]).toEqual([...bytes]);
    expect(read.wasm.buffer.byteLength).toBe(bytes.length);
  });

  it('passes a refusal through as it is', async () => {
    const refusal = new EngineLoadError('policy_bundle_unsigned', 'no .signatures.json');
    await expect(readPolicySource(source(() => Promise.reject(refusal)), 10_000)).rejects.toBe(refusal);
  });

  it('fails with snapshot_build_timeout when the read does not finish in time', async () => {
    const never = source(() => new Promise<PolicyBytes>(() => undefined));
    const error = await readPolicySource(never, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotBuildError);
    expect(error).toMatchObject({ code: 'snapshot_build_timeout', message: 'reading the policy bundle took longer than 20 ms' });
  });

  it('fails with snapshot_build_cancelled when aborted before or while it reads', async () => {
    let reads = 0;
    const never = source(() => {
      reads++;
      return new Promise<PolicyBytes>(() => undefined);
    });
    const before = new AbortController();
    before.abort();
    await expect(readPolicySource(never, 60_000, before.signal)).rejects.toMatchObject({ code: 'snapshot_build_cancelled' });
    expect(reads).toBe(0);
    const during = new AbortController();
    const pending = readPolicySource(never, 60_000, during.signal);
    during.abort();
    await expect(pending).rejects.toMatchObject({ code: 'snapshot_build_cancelled' });
    expect(reads).toBe(1);
  });
});

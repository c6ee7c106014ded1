/**
 * The keys bundle signatures are verified with (POLICY_BUNDLE_KEYS): a YAML (or JSON) file
 * shaped like OPA's own `keys` configuration, one entry per keyid:
 *
 *   keys:
 *     dev:                      # the keyid `opa sign` writes (its default is "default")
 *       algorithm: RS256        # default RS256, as OPA
 *       key: |                  # a PEM public key or certificate; for HS256/384/512 the shared secret
 *         -----BEGIN PUBLIC KEY-----
 *         ...
 *       # file: dev.pub.pem     # or the PEM in a file beside this one
 *       # scope: write          # must equal the signature's scope (default: none)
 *
 * The algorithm is pinned per key: a signature naming another one is refused, so a public key
 * can never be used as an HMAC secret.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { EngineLoadError } from '../engine/errors.js';

/** A configured verification key. */
export interface BundleKey {
  readonly keyid: string;
  readonly algorithm: string;
  readonly key: KeyObject;
  /** The scope a signature must carry ('' when none is configured, as OPA). */
  readonly scope: string;
}

export type BundleKeys = ReadonlyMap<string, BundleKey>;

/** Algorithm -> the key type and, for ECDSA, the curve it needs. */
const ALGORITHMS: Readonly<Record<string, { type: 'rsa' | 'ec' | 'secret'; curve?: string }>> = {
  RS256: { type: 'rsa' },
  RS384: { type: 'rsa' },
  RS512: { type: 'rsa' },
  PS256: { type: 'rsa' },
  PS384: { type: 'rsa' },
  PS512: { type: 'rsa' },
  ES256: { type: 'ec', curve: 'prime256v1' },
  ES384: { type: 'ec', curve: 'secp384r1' },
  ES512: { type: 'ec', curve: 'secp521r1' },
  HS256: { type: 'secret' },
  HS384: { type: 'secret' },
  HS512: { type: 'secret' },
};

function keysError(message: string, cause?: unknown): EngineLoadError {
  return new EngineLoadError('policy_bundle_keys_invalid', message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyObject(keyid: string, algorithm: string, material: string): KeyObject {
  const wanted = ALGORITHMS[algorithm]!;
  if (wanted.type === 'secret') {
    if (material.includes('-----BEGIN')) throw keysError(`key ${keyid}: ${algorithm} takes a shared secret, not a PEM key`);
    if (Buffer.byteLength(material) < 32) throw keysError(`key ${keyid}: an ${algorithm} secret must be at least 32 bytes`);
    return createSecretKey(Buffer.from(material, 'utf8'));
  }
  let key: KeyObject;
  try {
    // A public key (SPKI or PKCS#1), a certificate, or a private key (its public half is used).
    key = createPublicKey(material);
  } catch (cause) {
    throw keysError(`key ${keyid}: not a PEM public key or certificate`, cause);
  }
  const type = key.asymmetricKeyType === 'rsa-pss' ? 'rsa' : key.asymmetricKeyType;
  if (type !== wanted.type) throw keysError(`key ${keyid}: ${algorithm} needs an ${wanted.type.toUpperCase()} key, got ${key.asymmetricKeyType ?? 'another kind'}`);
  if (wanted.curve && key.asymmetricKeyDetails?.namedCurve !== wanted.curve) {
    throw keysError(`key ${keyid}: ${algorithm} needs curve ${wanted.curve}, got ${key.asymmetricKeyDetails?.namedCurve ?? 'none'}`);
  }
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw keysError(`key ${keyid}: an RSA key must have at least 2048 bits`);
  return key;
}

/**
 * Parses the keys file's text; `file:` entries are read relative to `dir`. Throws
 * EngineLoadError policy_bundle_keys_invalid (the caller names the file).
 */
export async function parseBundleKeys(text: string, dir: string): Promise<BundleKeys> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    throw keysError(`not valid YAML: ${(cause as Error).message.split('\n')[0]}`, cause);
  }
  if (!isRecord(doc) || !isRecord(doc.keys) || Object.keys(doc.keys).length === 0) throw keysError('expected `keys:` with at least one keyid');
  const unknownTop = Object.keys(doc).filter((k) => k !== 'keys');
  if (unknownTop.length > 0) throw keysError(`unknown field(s) ${unknownTop.join(', ')} (only \`keys\`)`);
  const keys = new Map<string, BundleKey>();
  for (const [keyid, entry] of Object.entries(doc.keys)) {
    if (!isRecord(entry)) throw keysError(`key ${keyid}: expected {algorithm, key | file, scope}`);
    const unknown = Object.keys(entry).filter((k) => !['algorithm', 'key', 'file', 'scope'].includes(k));
    if (unknown.length > 0) throw keysError(`key ${keyid}: unknown field(s) ${unknown.join(', ')}`);
    const algorithm = entry.algorithm ?? 'RS256';
    if (typeof algorithm !== 'string' || !(algorithm in ALGORITHMS)) throw keysError(`key ${keyid}: algorithm must be one of ${Object.keys(ALGORITHMS).join(', ')}`);
    if ((entry.key === undefined) === (entry.file === undefined)) throw keysError(`key ${keyid}: give exactly one of key and file`);
    let material: string;
    if (typeof entry.key === 'string') material = entry.key;
    else if (typeof entry.file === 'string') {
      try {
        material = await readFile(path.resolve(dir, entry.file), 'utf8');
      } catch (cause) {
        throw keysError(`key ${keyid}: cannot read file ${entry.file} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause);
      }
    } else throw keysError(`key ${keyid}: key and file must be text`);
    const scope = entry.scope ?? '';
    if (typeof scope !== 'string') throw keysError(`key ${keyid}: scope must be text`);
    keys.set(keyid, Object.freeze({ keyid, algorithm, key: keyObject(keyid, algorithm, material), scope }));
  }
  return keys;
}

/** Reads and parses the keys file. Throws EngineLoadError policy_bundle_keys_invalid naming `shown`. */
export async function loadBundleKeys(file: string, shown: string = file): Promise<BundleKeys> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw keysError(`cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause).withFile(shown);
  }
  try {
    return await parseBundleKeys(text, path.dirname(file));
  } catch (error) {
    throw error instanceof EngineLoadError ? error.withFile(shown) : error;
  }
}

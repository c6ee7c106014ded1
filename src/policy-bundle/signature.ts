/**
 * Checks a bundle's `.signatures.json` the way OPA's default verifier does (v1/bundle/verify.go):
 * exactly one JWT; its key found by the header's `kid`, else the payload's `keyid`; the JWT
 * verified with that key's pinned algorithm; the payload's `scope` equal to the key's; then every
 * file of the bundle listed with a matching hash, and every listed file present.
 */
import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { EngineLoadError, type EngineLoadCode } from '../engine/errors.js';
import { canonicalJson, parseJsonTree } from './canonical-json.js';
import type { BundleKeys } from './keys.js';

export const SIGNATURES_FILE = '.signatures.json';

/** Hash names OPA writes -> node's. MD5 and SHA-1 are refused: a signer must not rely on them. */
const HASHES: Readonly<Record<string, string>> = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

function fail(code: EngineLoadCode, message: string, cause?: unknown): EngineLoadError {
  return new EngineLoadError(code, message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** As OPA's IsStructuredDoc: these are hashed as canonical JSON, everything else byte for byte. */
export function isStructured(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base === 'data.json' || base === '.manifest' || base === 'data.yaml' || base === 'data.yml';
}

/** The bytes OPA hashes for a file. Throws policy_bundle_invalid for a structured file that is not JSON. */
export function hashedBytes(name: string, bytes: Uint8Array): Uint8Array {
  if (!isStructured(name)) return bytes;
  try {
    return Buffer.from(canonicalJson(parseJsonTree(new TextDecoder('utf-8', { fatal: true }).decode(bytes))), 'utf8');
  } catch (cause) {
    // data.yaml is YAML to OPA; the BFF takes no bundle data anyway (see manifest.ts).
    throw fail('policy_bundle_invalid', `${name} is not valid JSON`, cause);
  }
}

function signedFiles(payload: unknown): SignedFile[] {
  if (!isRecord(payload) || !Array.isArray(payload.files)) throw fail('policy_bundle_signature_invalid', 'the signature payload has no files list');
  return payload.files.map((f) => {
    if (!isRecord(f) || typeof f.name !== 'string' || typeof f.hash !== 'string' || typeof f.algorithm !== 'string') {
      throw fail('policy_bundle_signature_invalid', 'a file in the signature payload is not {name, hash, algorithm}');
    }
    return { name: f.name.replace(/^\/+/, ''), hash: f.hash.toLowerCase(), algorithm: f.algorithm };
  });
}

/** The one JWT of `.signatures.json`, verified; returns its payload. */
async function verifiedPayload(signaturesJson: Uint8Array, keys: BundleKeys): Promise<unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(signaturesJson).toString('utf8'));
  } catch (cause) {
    throw fail('policy_bundle_signature_invalid', `${SIGNATURES_FILE} is not valid JSON`, cause);
  }
  const tokens = isRecord(doc) && Array.isArray(doc.signatures) ? doc.signatures : undefined;
  if (!tokens || tokens.length !== 1 || typeof tokens[0] !== 'string') {
    throw fail('policy_bundle_signature_invalid', `${SIGNATURES_FILE} must hold exactly one JWT in "signatures"`);
  }
  const token = tokens[0];
  let kid: unknown;
  let unverified: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
    unverified = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch (cause) {
    throw fail('policy_bundle_signature_invalid', 'the signature is not a compact JWT', cause);
  }
  const keyid = typeof kid === 'string' && kid !== '' ? kid : isRecord(unverified) && typeof unverified.keyid === 'string' ? unverified.keyid : '';
  if (keyid === '') throw fail('policy_bundle_key_unknown', 'the signature names no keyid (header kid or payload keyid)');
  const key = keys.get(keyid);
  if (!key) throw fail('policy_bundle_key_unknown', `the signature's keyid ${JSON.stringify(keyid.slice(0, 64))} is not in POLICY_BUNDLE_KEYS`);
  let payload: unknown;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: [key.algorithm] });
    payload = JSON.parse(Buffer.from(verified.payload).toString('utf8'));
  } catch (cause) {
    throw fail('policy_bundle_signature_invalid', `the signature does not verify with key ${keyid} (${key.algorithm})`, cause);
  }
  const scope = isRecord(payload) && typeof payload.scope === 'string' ? payload.scope : '';
  if (scope !== key.scope) throw fail('policy_bundle_signature_invalid', `the signature's scope does not match key ${keyid}'s`);
  return payload;
}

/**
 * Verifies `files` (every file of the bundle, by name, the signatures file among them) against
 * its signature and `keys`. Throws EngineLoadError with a policy_bundle_* code.
 */
export async function verifyBundleFiles(files: ReadonlyMap<string, Uint8Array>, keys: BundleKeys): Promise<void> {
  const signatures = files.get(SIGNATURES_FILE);
  if (!signatures) throw fail('policy_bundle_unsigned', `the bundle has no ${SIGNATURES_FILE}: sign it with \`opa sign\` or \`opa build --signing-key\``);
  const signed = new Map(signedFiles(await verifiedPayload(signatures, keys)).map((f) => [f.name, f]));
  for (const [name, bytes] of files) {
    if (name === SIGNATURES_FILE) continue;
    const entry = signed.get(name);
    if (!entry) throw fail('policy_bundle_file_mismatch', `${name} is in the bundle but not in its signature`);
    const hash = HASHES[entry.algorithm];
    if (!hash) throw fail('policy_bundle_signature_invalid', `${name} is signed with hash ${JSON.stringify(entry.algorithm.slice(0, 20))}, which is not accepted`);
    const actual = createHash(hash).update(hashedBytes(name, bytes)).digest('hex');
    if (actual !== entry.hash) throw fail('policy_bundle_file_mismatch', `${name} does not match its signed hash`);
    signed.delete(name);
  }
  if (signed.size > 0) throw fail('policy_bundle_file_mismatch', `signed but not in the bundle: ${[...signed.keys()].slice(0, 5).join(', ')}`);
}

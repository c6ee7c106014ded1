/**
 * Real OPA bundles for the tests: built and signed by the pinned `opa` (so the format is OPA's,
 * not ours) with development keys generated here, and a small tar writer to tamper with them.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ALL_ENTRYPOINTS } from '../../src/engine/entrypoints.js';
import { CATALOGUES } from '../../src/engine/index.js';
import { OPA_BIN } from './opa.js';

const run = promisify(execFile);

/** A signing key: the private PEM file `opa` signs with, and the public PEM the BFF verifies with. */
export interface DevKey {
  algorithm: string;
  privateFile: string;
  publicPem: string;
}

/** RS256 (RSA 2048) or ES256 (P-256) keys in a temp folder; HS256 gives a random shared secret. */
export async function devKey(algorithm: 'RS256' | 'ES256' | 'HS256' | 'PS256' = 'RS256'): Promise<DevKey> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-bundle-key-'));
  const privateFile = join(dir, 'private.pem');
  if (algorithm === 'HS256') {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(privateFile, secret);
    return { algorithm, privateFile, publicPem: secret };
  }
  const pair =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { algorithm, privateFile, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A POLICY_BUNDLE_KEYS file's text holding `keys` by keyid. */
export function keysYaml(keys: Record<string, { key: DevKey; scope?: string; algorithm?: string }>): string {
  const lines = ['keys:'];
  for (const [keyid, { key, scope, algorithm }] of Object.entries(keys)) {
    lines.push(`  ${keyid}:`, `    algorithm: ${algorithm ?? key.algorithm}`);
    // A block scalar ends with a newline, which would become part of a shared secret.
    if (key.algorithm.startsWith('HS')) lines.push(`    key: ${JSON.stringify(key.publicPem)}`);
    else lines.push('    key: |', ...key.publicPem.trim().split('\n').map((l) => `      ${l}`));
    if (scope) lines.push(`    scope: ${scope}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface BuildBundleOptions {
  /** Rego sources by file name, or a folder of them (default: none, give one or the other). */
  files?: Record<string, string>;
  dir?: string;
  entrypoints: string[];
  revision?: string;
  /** Sign with this key (`opa build --signing-key`); unsigned without. */
  sign?: { key: DevKey; keyid?: string; scope?: string };
  /** Extra `opa build` arguments (the Makefile's --capabilities and --ignore). */
  args?: string[];
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Every entrypoint the engine requires of a module: the decisions, explanations, tooling relations and catalogues. */
export const PROJECT_ENTRYPOINTS: readonly string[] = [...new Set([...ALL_ENTRYPOINTS, ...Object.values(CATALOGUES).map((c) => c.entrypoint)])];

/**
 * The project's policy (`policy/`, or a copy of it in `dir`) built as the Makefile builds it, as a
 * bundle: its capabilities, tests left out, every entrypoint the engine needs (or `entrypoints`).
 */
export function buildProjectBundle(options: { revision: string; sign?: DevKey; dir?: string; entrypoints?: readonly string[] }): Promise<Buffer> {
  return buildBundle({
    dir: options.dir ?? join(REPO, 'policy'),
    entrypoints: [...(options.entrypoints ?? PROJECT_ENTRYPOINTS)],
    revision: options.revision,
    args: ['--capabilities', join(REPO, 'policy/capabilities.json'), '--ignore', '*_test.rego', '--ignore', 'capabilities.json'],
    ...(options.sign ? { sign: { key: options.sign, keyid: 'dev' } } : {}),
  });
}

/** `opa build -b -t wasm` (signed when asked); returns the bundle.tar.gz bytes. */
export async function buildBundle(options: BuildBundleOptions): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-bundle-'));
  const src = options.dir ? resolve(options.dir) : join(dir, 'src');
  if (options.files) {
    for (const [name, text] of Object.entries(options.files)) {
      await mkdir(dirname(join(src, name)), { recursive: true });
      await writeFile(join(src, name), text);
    }
  }
  const out = join(dir, 'bundle.tar.gz');
  const sign = options.sign;
  const signing = sign
    ? ['--signing-key', sign.key.privateFile, '--signing-alg', sign.key.algorithm, ...(sign.keyid ? ['--claims-file', await claims(dir, sign)] : [])]
    : [];
  await run(OPA_BIN, [
    'build', '-b', '-t', 'wasm', ...options.entrypoints.flatMap((e) => ['-e', e]),
    ...(options.revision !== undefined ? ['--revision', options.revision] : []),
    ...signing, ...(options.args ?? []), '-o', out, src,
  ]);
  return readFile(out);
}

/** OPA takes the keyid (and scope) of a signature from a claims file. */
async function claims(dir: string, sign: NonNullable<BuildBundleOptions['sign']>): Promise<string> {
  const file = join(dir, 'claims.json');
  await writeFile(file, JSON.stringify({ keyid: sign.keyid, ...(sign.scope ? { scope: sign.scope } : {}) }));
  return file;
}

/** `opa sign` over a folder that is a bundle (writes its .signatures.json); returns that file's text. */
export async function opaSignDir(dir: string, sign: { key: DevKey; keyid?: string; scope?: string }): Promise<string> {
  const claimsArgs = sign.keyid || sign.scope ? ['--claims-file', await claims(await mkdtemp(join(tmpdir(), 'xp-claims-')), sign)] : [];
  // From inside the folder: `opa sign` names the files by the path it was given.
  await run(OPA_BIN, ['sign', '--bundle', '.', '--signing-key', sign.key.privateFile, '--signing-alg', sign.key.algorithm, ...claimsArgs, '-o', '.'], { cwd: dir });
  return readFile(join(dir, '.signatures.json'), 'utf8');
}

function header(name: string, size: number, type = '0'): Buffer {
  const block = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long for this writer: ${name}`);
  block.write(name, 0, 'utf8');
  block.write('0000600\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** A gzipped ustar of `files` in order (names as given, e.g. "/policy.wasm"); `types` overrides an entry's type flag. */
export function writeTarGz(files: ReadonlyArray<[string, Uint8Array]>, types: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [name, bytes] of files) {
    parts.push(header(name, bytes.length, types[name] ?? '0'), Buffer.from(bytes), Buffer.alloc((512 - (bytes.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

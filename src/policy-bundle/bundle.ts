/**
 * An OPA bundle (`opa build -t wasm` output) -> the policy module the BFF loads and the
 * bundle's revision. With keys, nothing is taken from a bundle whose signature and files do not
 * all verify. The BFF supplies the data document itself (data.registry, from plugins.yaml), so
 * a bundle carrying data of its own is refused rather than silently ignored.
 */
import { EngineLoadError } from '../engine/errors.js';
import type { BundleKeys } from './keys.js';
import { SIGNATURES_FILE, hashedBytes, verifyBundleFiles } from './signature.js';
import { readTarGz, type TarLimits } from './tar.js';

/** What a verified bundle gives the engine. */
export interface LoadedBundle {
  /** The Wasm module the manifest names (`/policy.wasm` from `opa build -t wasm`). */
  readonly wasm: Uint8Array;
  /** The manifest's `revision` ('' when the bundle has none, as `opa build` without `--revision`). */
  readonly revision: string;
  /** Whether the signature was checked (keys configured). */
  readonly verified: boolean;
}

function invalid(message: string, cause?: unknown): EngineLoadError {
  return new EngineLoadError('policy_bundle_invalid', message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Manifest {
  revision: string;
  /** The Wasm module paths the manifest's `wasm` resolvers name (without the leading "/"). */
  modules: string[];
}

function readManifest(bytes: Uint8Array | undefined): Manifest {
  if (!bytes) return { revision: '', modules: [] };
  let doc: unknown;
  try {
    // Canonical first: the same parser the signature check hashes with, so both read one document.
    doc = JSON.parse(Buffer.from(hashedBytes('.manifest', bytes)).toString('utf8'));
  } catch (cause) {
    throw invalid('.manifest is not valid JSON', cause);
  }
  if (!isRecord(doc)) throw invalid('.manifest is not a JSON object');
  const revision = doc.revision ?? '';
  // Shown in /readyz and the logs: a short printable string.
  if (typeof revision !== 'string' || revision.length > 200 || /[\u0000-\u001f\u007f]/.test(revision)) {
    throw invalid('.manifest revision must be a string of at most 200 printable characters');
  }
  const wasm = doc.wasm ?? [];
  if (!Array.isArray(wasm) || !wasm.every((w) => isRecord(w) && typeof w.module === 'string')) throw invalid('.manifest wasm must be a list of {entrypoint, module}');
  const modules = [...new Set(wasm.map((w) => String((w as Record<string, unknown>).module).replace(/^\/+/, '')))];
  return { revision, modules };
}

/** Data files must be empty: the BFF's data document is its own. */
function checkNoData(files: ReadonlyMap<string, Uint8Array>): void {
  for (const [name, bytes] of files) {
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (base === 'data.yaml' || base === 'data.yml') throw invalid(`${name}: the BFF takes no data from a bundle (its data comes from plugins.yaml)`);
    if (base === 'data.json' && Buffer.from(hashedBytes(name, bytes)).toString('utf8') !== '{}') {
      throw invalid(`${name}: the BFF takes no data from a bundle (its data comes from plugins.yaml); build it from policy/ only`);
    }
  }
}

/**
 * Reads a bundle.tar.gz; with `keys`, verifies it first. Throws EngineLoadError with a
 * policy_bundle_* code.
 *
 * @example
 * const { wasm, revision } = await readBundle(await readFile('build/bundle.tar.gz'), await loadBundleKeys('keys.yaml'));
 */
export async function readBundle(bytes: Uint8Array, keys: BundleKeys | undefined, limits?: TarLimits): Promise<LoadedBundle> {
  const files = await readTarGz(bytes, limits);
  const nested = [...files.keys()].find((n) => n !== SIGNATURES_FILE && n.endsWith(`/${SIGNATURES_FILE}`));
  if (nested) throw invalid(`${nested}: a bundle has one ${SIGNATURES_FILE}, at its root`);
  // Without keys nothing is verified (the bundle is trusted as a policy.wasm file is); a signature is then ignored.
  if (keys) await verifyBundleFiles(files, keys);
  const manifest = readManifest(files.get('.manifest'));
  if (manifest.modules.length > 1) throw invalid(`the manifest names ${manifest.modules.length} Wasm modules; the BFF loads one (build with a single \`opa build -t wasm\`)`);
  const module = manifest.modules[0] ?? 'policy.wasm';
  const wasm = files.get(module);
  if (!wasm) throw invalid(`the bundle has no ${module}: build it with \`opa build -t wasm\``);
  checkNoData(files);
  return Object.freeze({ wasm, revision: manifest.revision, verified: keys !== undefined });
}

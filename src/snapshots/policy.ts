/**
 * The policy module's bytes: policy.wasm read from its file (in the build's child process, like
 * the config files), or an OPA bundle read and verified through a PolicySource in the BFF's own
 * process. The bundle is verified here, not in the child: the bundle server's poller, its ETag and
 * the bytes it downloaded live in this process, and so do the keys (loaded once at start-up), the
 * refusal counts /readyz and /metrics show, and the last good policy a refused bundle falls back to.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EngineLoadError } from '../engine/index.js';
import type { PolicyBytes, PolicySource } from '../policy-bundle/index.js';
import { SnapshotBuildError } from './errors.js';

/** policy.wasm as a file (POLICY_WASM). Throws EngineLoadError policy_unreadable; the file is named later. */
export async function readPolicyFile(file: string): Promise<PolicyBytes> {
  try {
    return { wasm: await readFile(file) };
  } catch (cause) {
    // The code only (ENOENT, EISDIR, ...): the system message carries the resolved path.
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new EngineLoadError('policy_unreadable', `cannot read the file (${code}): build it with \`make policy\``, { cause });
  }
}

/**
 * Full sha256 (hex) of the policy: the module's bytes, and a bundle's revision after them (a new
 * revision of the same module is a change, so that /readyz shows it). Equal means unchanged.
 */
export function policyDigest(policy: PolicyBytes): string {
  const hash = createHash('sha256').update(policy.wasm);
  if (policy.bundleRevision !== undefined) hash.update(`\0${policy.bundleRevision}`);
  return hash.digest('hex');
}

/** Whether `error` is a bundle the source refused (unsigned, tampered, unreadable, ...): the last good policy may stand in for it. */
export function isBundleRefusal(error: unknown): error is EngineLoadError {
  return error instanceof EngineLoadError && error.code.startsWith('policy_bundle_');
}

/**
 * `source.read()` under the reload's limits: a read that overruns `timeoutMs` fails with
 * snapshot_build_timeout and one still running when `signal` aborts with snapshot_build_cancelled,
 * as the build's child process does. The module is copied out of the unpacked bundle, whose
 * buffer it shares (the child is sent the module, not the whole tar).
 */
export function readPolicySource(source: PolicySource, timeoutMs: number, signal?: AbortSignal): Promise<PolicyBytes> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new SnapshotBuildError('snapshot_build_cancelled', 'the reload was cancelled: the reloader closed');
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const onAbort = () => reject(cancelled());
    const timer = setTimeout(() => reject(new SnapshotBuildError('snapshot_build_timeout', `reading the policy bundle took longer than ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    source
      .read()
      .then((policy) => resolve({ ...policy, wasm: new Uint8Array(policy.wasm) }), reject)
      .finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
  });
}

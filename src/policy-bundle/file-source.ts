/** A bundle in a file (POLICY_BUNDLE): read and verified on every load, watched by the reloader. */
import { readFile } from 'node:fs/promises';
import { EngineLoadError } from '../engine/errors.js';
import { readBundle } from './bundle.js';
import type { BundleKeys } from './keys.js';
import { BundleTracker } from './tracker.js';
import type { PolicySource } from './types.js';

export function createFileBundleSource(file: string, keys: BundleKeys | undefined): PolicySource {
  const tracker = new BundleTracker('file', keys !== undefined);
  return {
    watchFile: file,
    status: () => tracker.status(),
    async read() {
      try {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (cause) {
          const code = (cause as NodeJS.ErrnoException).code ?? 'error';
          throw new EngineLoadError('policy_bundle_unreadable', `cannot read the file (${code}): build it with \`make policy\``, { cause });
        }
        const bundle = await readBundle(bytes, keys);
        tracker.succeeded(bundle.revision);
        return { wasm: bundle.wasm, bundleRevision: bundle.revision };
      } catch (error) {
        throw tracker.refused(error);
      }
    },
  };
}

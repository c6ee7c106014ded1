import type { Stats } from 'node:fs';
import { BundleStore, type BundleBytes } from '../../../src/server/index.js';

/** A bundle store that records every file it is asked for, so a test can assert what the BFF read from disk. */
export class RecordingStore extends BundleStore {
  readonly reads: string[] = [];
  override read(file: string, known?: Stats): Promise<BundleBytes | undefined> {
    this.reads.push(file);
    return super.read(file, known);
  }
}

/**
 * Bundle bytes with their sha256 and ETag, read through one file descriptor and cached by
 * (path, inode, size, mtime): what is hashed is exactly what is served.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import etag from 'etag';
import { LRUCache } from 'lru-cache';
import { integrityOf } from '../../config/index.js';

export interface BundleBytes {
  bytes: Buffer;
  /** `sha256:<hex>` of `bytes`, the form bundle.integrity takes. */
  integrity: string;
  etag: string;
}

const MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

/** Which version of a file a path names: a new build or a swapped file changes it. */
export function fileStamp(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

export function describe(bytes: Buffer): BundleBytes {
  return { bytes, integrity: integrityOf(bytes), etag: etag(bytes) };
}

export class BundleStore {
  private readonly cache = new LRUCache<string, BundleBytes & { stamp: string }>({
    maxSize: 100 * 1024 * 1024,
    sizeCalculation: (entry) => Math.max(1, entry.bytes.length),
  });

  /** Undefined when the file is gone or too large to serve. `known` saves a stat the caller just made. */
  async read(file: string, known?: Stats): Promise<BundleBytes | undefined> {
    let info = known;
    if (!info) {
      try {
        info = await stat(file);
      } catch {
        return undefined;
      }
    }
    const stamp = fileStamp(info);
    const cached = this.cache.get(file);
    if (cached && cached.stamp === stamp) return cached;
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      return undefined;
    }
    try {
      const fresh = await handle.stat();
      if (!fresh.isFile() || fresh.size > MAX_BUNDLE_BYTES) return undefined;
      const bytes = await handle.readFile();
      const entry = { ...describe(bytes), stamp: fileStamp(fresh) };
      this.cache.set(file, entry);
      return entry;
    } finally {
      await handle.close();
    }
  }
}

import { createHash } from 'node:crypto';

/**
 * `sha256:<lower-case hex>` of some bytes: the form `bundle.integrity` takes. The BFF compares
 * served bytes with it and the CLI writes it, so both use this one function.
 */
export function integrityOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

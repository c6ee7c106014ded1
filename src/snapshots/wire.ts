/**
 * What the prepare child process and the BFF say to each other. A prepared snapshot is sent in
 * parts, so that no single message takes the main thread long to receive (deserialising runs on
 * the receiving thread: the whole model of 3,000 tenants took 0.2 s).
 */
import { ConfigError } from '../config/index.js';
import type { ConfigIssue, PluginConfig, UpstreamRoute } from '../config/types.js';
import { EngineLoadError, type EngineLoadCode } from '../engine/index.js';
import type { Digests } from './prepare.js';

export type ChildMessage =
  /** Some tenants of the model whose digest the serving snapshot does not have, in file order. */
  | { kind: 'tenants'; entries: [string, PluginConfig[]][] }
  /** One data shard, its UTF-8 bytes; without them when the serving engine holds this digest. */
  | { kind: 'shard'; tenants: readonly string[]; digest: string; json?: Uint8Array }
  /**
   * The rest; the snapshot is complete. `hosts`: every tenant in file order (those not sent are
   * the serving snapshot's); `tenantDigests`: each one's model digest, for the next build.
   */
  | {
      kind: 'done';
      hosts: string[];
      tenantDigests: Record<string, string>;
      upstreams: UpstreamRoute[];
      policy: Uint8Array;
      dataDigest: string;
      digests: Digests;
    }
  | { kind: 'unchanged'; digests: Digests }
  | { kind: 'failed'; error: WireError };

/** An error as it crosses the process boundary: its class and fields, not its prototype. */
export type WireError =
  | { kind: 'config'; issues: ConfigIssue[] }
  | { kind: 'engine'; code: EngineLoadCode; message: string; file?: string }
  | { kind: 'other'; name: string; message: string; stack?: string };

export function toWire(error: unknown): WireError {
  if (error instanceof ConfigError) return { kind: 'config', issues: [...error.issues] };
  if (error instanceof EngineLoadError) return { kind: 'engine', code: error.code, message: error.message, ...(error.file === undefined ? {} : { file: error.file }) };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'other', name: e.name, message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) };
}

/** The error again, as the class the reloader reports (ConfigError, EngineLoadError, or a plain Error). */
export function fromWire(wire: WireError): Error {
  if (wire.kind === 'config') return new ConfigError(wire.issues);
  if (wire.kind === 'engine') return new EngineLoadError(wire.code, wire.message, wire.file === undefined ? {} : { file: wire.file });
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

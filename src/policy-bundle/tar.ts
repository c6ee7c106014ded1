/**
 * Reads a gzipped tar (what `opa build` writes) into its files, by name without the leading
 * "/". Only what Go's archive/tar writes for a bundle is taken: regular files, directories
 * (skipped), PAX and GNU long-name headers. Links, devices and anything else are refused, and
 * so are names that climb ("..") or repeat: a bundle is a flat list of files, nothing more.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { EngineLoadError } from '../engine/errors.js';

const gunzipAsync = promisify(gunzip);
const BLOCK = 512;

/** Limits on what a bundle may unpack to (a gzip bomb is refused, never held in memory). */
export interface TarLimits {
  /** Bytes of the unpacked tar (default 64 MiB). */
  maxBytes?: number;
  /** Files in it (default 10 000). */
  maxFiles?: number;
}

function invalid(message: string, cause?: unknown): EngineLoadError {
  return new EngineLoadError('policy_bundle_invalid', message, cause === undefined ? undefined : { cause });
}

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

/** An octal field, or GNU base-256 (high bit set) for large sizes. */
function number(block: Uint8Array, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw invalid('a tar header has a malformed number');
  return parseInt(digits, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = number(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === stored;
}

/** PAX records: "<len> <key>=<value>\n", repeated. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const all = Buffer.from(data);
  let at = 0;
  while (at < all.length) {
    const space = all.indexOf(0x20, at);
    const length = space === -1 ? NaN : Number(all.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0 || at + length > all.length) throw invalid('a tar PAX header is malformed');
    const record = all.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

/** The name as the bundle's files are named (OPA strips the leading "/"); refused when it climbs or is empty. */
export function bundleName(raw: string): string {
  const name = raw.replace(/^(\.?\/)+/, '');
  const segments = name.split('/');
  if (name === '' || segments.some((s) => s === '..' || s === '.') || name.includes('\\') || name.includes('\0')) {
    throw invalid(`a tar entry has a name a bundle cannot hold: ${JSON.stringify(raw.slice(0, 100))}`);
  }
  return name;
}

/** The files of a tar (not gzipped), by bundle name, in archive order. Throws EngineLoadError policy_bundle_invalid. */
export function readTar(tar: Uint8Array, limits: TarLimits = {}): Map<string, Uint8Array> {
  const maxFiles = limits.maxFiles ?? 10_000;
  const files = new Map<string, Uint8Array>();
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return files;
    if (!checksumOk(header)) throw invalid('a tar header checksum does not match (not a tar, or corrupt)');
    const type = String.fromCharCode(header[156] ?? 0);
    const size = Number(pax.get('size') ?? number(header, 124, 12));
    const start = at + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || start + size > tar.length) throw invalid('a tar entry is truncated');
    const data = tar.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L') {
      longName = Buffer.from(data).toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const magic = text(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
    const raw = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    pax = new Map();
    longName = undefined;
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7') throw invalid(`tar entry ${JSON.stringify(raw.slice(0, 100))} is not a regular file (type ${JSON.stringify(type)})`);
    const name = bundleName(raw);
    if (files.has(name)) throw invalid(`the bundle holds ${name} twice`);
    if (files.size >= maxFiles) throw invalid(`the bundle holds more than ${maxFiles} files`);
    files.set(name, data);
  }
  // Go writes two zero blocks at the end; an archive cut short of them is still refused when a header is cut.
  if (at < tar.length && tar.length - at < BLOCK && !tar.subarray(at).every((b) => b === 0)) throw invalid('the tar ends inside a header');
  return files;
}

/** Gunzips (bounded) and reads the tar. Throws EngineLoadError policy_bundle_invalid. */
export async function readTarGz(bytes: Uint8Array, limits: TarLimits = {}): Promise<Map<string, Uint8Array>> {
  const maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw invalid('not a gzip file: an OPA bundle is the bundle.tar.gz `opa build` writes');
  let tar: Buffer;
  try {
    tar = await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (cause) {
    const tooLarge = (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw invalid(tooLarge ? `the bundle unpacks to more than ${maxBytes} bytes` : 'the gzip stream is corrupt or truncated', cause);
  }
  return readTar(new Uint8Array(tar.buffer, tar.byteOffset, tar.length), limits);
}

/**
 * Request bodies, read whole with a hard byte cap (no body-parser dependency: the BFF only
 * reads small JSON documents and buffers proxied bodies so the upstream never sees a
 * partial or oversized one).
 */
import type { IncomingMessage } from 'node:http';
import { InputError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new InputError('bad_request', 'Invalid Content-Length');
  return Number(raw);
}

/** True when the request says it has a body. */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const length = declaredLength(req);
  // Over the limit the rest of the body is never read (not even drained): the 413 closes the
  // connection (see middleware/unread-body and the 413 mapping), so the client cannot make
  // the BFF read a large body it will refuse anyway.
  if (length !== undefined && length > limit) {
    return Promise.reject(new PayloadTooLargeError('payload_too_large', `Body larger than ${limit} bytes`));
  }
  if (!hasBody(req)) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new PayloadTooLargeError('payload_too_large', `Body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = () => {
      cleanup();
      reject(new InputError('bad_request', 'Request body aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** A JSON body of at most `limit` bytes, sent as application/json. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new UnsupportedMediaTypeError('unsupported_media_type', 'Send application/json');
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new InputError('invalid_json', 'Body is not valid JSON');
  }
}

/** The fields of a JSON body (see readJson); anything but an object has none, so field checks refuse it. */
export async function readJsonFields(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const body = await readJson(req, limit);
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** An `application/x-www-form-urlencoded` body of at most `limit` bytes (OIDC back-channel logout). */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new UnsupportedMediaTypeError('unsupported_media_type', 'Send application/x-www-form-urlencoded');
  const body = await readBody(req, limit);
  return new URLSearchParams(body.toString('utf8'));
}

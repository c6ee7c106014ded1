import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './body.js';
import { PayloadTooLargeError } from './errors.js';

/** A request body as a stream, with the headers that frame it. */
function request(headers: Record<string, string>, chunks: Buffer[] = []): IncomingMessage & { pulled: number } {
  const queue = [...chunks];
  // A small buffer, so what the stream reads ahead of the consumer stays small too.
  const stream = new Readable({
    highWaterMark: 1024,
    read() {
      const next = queue.shift();
      if (next) (stream as unknown as { pulled: number }).pulled += 1;
      this.push(next ?? null);
    },
  });
  return Object.assign(stream, { headers, pulled: 0 }) as unknown as IncomingMessage & { pulled: number };
}

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    const req = request({ 'content-length': '6' }, [Buffer.from('abc'), Buffer.from('def')]);
    expect((await readBody(req, 6)).toString()).toBe('abcdef');
  });

  it('refuses a declared length over the limit without reading (or draining) a byte', async () => {
    const req = request({ 'content-length': String(1024 ** 3) }, [Buffer.alloc(10)]);
    await expect(readBody(req, 4096)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(req.readableFlowing).toBeNull();
    expect(req.pulled).toBe(0);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(1024));
    const req = request({ 'transfer-encoding': 'chunked' }, chunks);
    await expect(readBody(req, 4096)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(req.readableFlowing).toBe(false);
    const pulled = req.pulled;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(req.pulled, 'nothing more is pulled after the refusal').toBe(pulled);
    // 5 chunks pass the 4 KiB limit; at most a chunk or two more were buffered ahead of it
    expect(pulled).toBeLessThanOrEqual(8);
  });
});

/**
 * A kept-alive raw connection (no `Connection: close` is added, unlike raw.ts): what the
 * server does with the connection after its answer. Did it close it, and how much of the
 * body had the client sent by then?
 */
import net from 'node:net';
import type { RawResponse } from './raw.js';

export interface ConnectionOutcome {
  /** The first response, when a whole one arrived. */
  response: RawResponse | undefined;
  /** The server ended or reset the connection before the deadline. */
  closedByServer: boolean;
  /** Body bytes the client had written when the connection ended. */
  sent: number;
}

/** Parses one whole response (Content-Length framing, as every BFF answer here has) from the front of `data`. */
export function parseResponse(data: Buffer): { response: RawResponse; rest: Buffer } | undefined {
  const split = data.indexOf('\r\n\r\n');
  if (split === -1) return undefined;
  const [statusLine, ...lines] = data.subarray(0, split).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const length = Number(headers['content-length'] ?? 0);
  const end = split + 4 + length;
  if (data.length < end) return undefined;
  const response = { status: Number(statusLine?.split(' ')[1]), headers, body: data.subarray(split + 4, end).toString('utf8') };
  return { response, rest: data.subarray(end) };
}

export interface UploadOptions {
  /** Sent right after the head. */
  body?: Buffer | string;
  /** Then written again and again (as fast as the socket takes it) until `streamLimit` bytes or the end. */
  stream?: Buffer;
  streamLimit?: number;
  /** How long to wait for the server to end the connection. */
  waitMs?: number;
}

/**
 * Sends `head` (request line and headers, without the blank line) and a body the client
 * never finishes, then waits for the server to end the connection, up to `waitMs`.
 */
export function unfinishedUpload(port: number, head: string, options: UploadOptions = {}): Promise<ConnectionOutcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ response: parseResponse(Buffer.concat(chunks))?.response, closedByServer, sent });
    };
    const deadline = setTimeout(() => finish(false), options.waitMs ?? 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after the answer (the server closed with unread bytes in flight) is the server closing too.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else if (!settled) reject(error);
    });
    socket.write(`${head}\r\n\r\n`);
    const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
    if (body.length > 0) {
      socket.write(body);
      sent += body.length;
    }
    const { stream } = options;
    if (stream) {
      const limit = options.streamLimit ?? 64 * 1024 * 1024;
      const pump = () => {
        while (!settled && !socket.destroyed && sent + stream.length <= limit) {
          sent += stream.length;
          if (!socket.write(stream)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    }
  });
}

/** Sends `first`, reads its whole answer, then sends `second` on the same connection: keep-alive works. */
export function twoOnOneConnection(port: number, first: string, second: string): Promise<[RawResponse, RawResponse]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data: Buffer = Buffer.alloc(0);
    const answers: RawResponse[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no second answer on the kept-alive connection')));
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      const parsed = parseResponse(data);
      if (!parsed) return;
      answers.push(parsed.response);
      data = parsed.rest;
      if (answers.length === 1) socket.write(second);
      else {
        socket.destroy();
        resolve([answers[0] as RawResponse, answers[1] as RawResponse]);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${answers.length} answer(s)`)));
    socket.write(first);
  });
}

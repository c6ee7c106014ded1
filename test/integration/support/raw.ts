/**
 * Sends exact bytes over a socket: hostile request lines (dot segments, backslashes,
 * absolute-form targets, duplicate headers, smuggling attempts) that an HTTP client library
 * would normalise or refuse to send.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * `head` is the request line and headers without the final blank line (a Buffer: bytes as they
 * are); Connection: close is added, and so is the shell's CSRF header (`X-Experience-Csrf: 1`)
 * unless `head` has one or `options.csrfHeader` is false: hostile bytes are about parsing, not
 * about the CSRF rule.
 */
export function rawRequest(port: number, head: string | Buffer, body: Buffer | string = '', options: { csrfHeader?: boolean } = {}): Promise<RawResponse> {
  if (options.csrfHeader !== false && !/^x-experience-csrf:/im.test(head.toString('latin1'))) {
    head = Buffer.concat([Buffer.isBuffer(head) ? head : Buffer.from(head), Buffer.from('\r\nX-Experience-Csrf: 1')]);
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split === -1) {
        reject(new Error(`no HTTP response: ${JSON.stringify(all.toString('latin1'))}`));
        return;
      }
      const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      let rest: Buffer = all.subarray(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) rest = dechunk(rest);
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: rest.toString('utf8') });
    });
    // No half-close: Node's HTTP server aborts in-flight requests when the client ends its side.
    // `Connection: close` makes the server close once it has answered.
    socket.write(Buffer.concat([Buffer.isBuffer(head) ? head : Buffer.from(head), Buffer.from('\r\nConnection: close\r\n\r\n')]));
    if (body.length > 0) socket.write(body);
  });
}

/**
 * Forwards one request to an upstream origin with the same method, path and query, a
 * buffered and capped body, and a deadline for the response head. Errors become
 * UpstreamError (502) or UpstreamTimeoutError (504). An answer the upstream breaks off is
 * recorded as outcome `upstream_aborted` (see outcome.ts), whether it was buffered (then a
 * 502, or a 504 when it stalled) or already streaming to the client (then cut).
 */
import http from 'node:http';
import https from 'node:https';
import type { ParameterizedContext } from 'koa';
import { readBody } from '../body.js';
import { UpstreamError, UpstreamTimeoutError } from '../errors.js';
import { markOutcome } from '../outcome.js';
import { forwardRequestHeaders, forwardResponseHeaders, PROXIED_RESPONSE_HEADERS } from './headers.js';

export interface ProxyOptions {
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface UpstreamAgents {
  http: http.Agent;
  https: https.Agent;
  close(): void;
}

/** Keep-alive agents shared by every forwarded request of one app. */
export function createAgents(): UpstreamAgents {
  const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64 };
  const agents = { http: new http.Agent(options), https: new https.Agent(options) };
  return {
    ...agents,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

const EMPTY_STATUS = new Set([204, 205, 304]);
/** Methods Node sends without framing when no length is given (the others it would send chunked). */
const UNFRAMED: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * @param target upstream origin; the path and query forwarded are the request's own (`req.url`).
 * @param attach headers the upstream can trust (identity), set after client copies are removed.
 * @param owned response headers the BFF already set (never overridden by the upstream); the
 *   answer also gets PROXIED_RESPONSE_HEADERS (nosniff, a sandboxing CSP) whatever the upstream sent.
 */
export async function forwardRequest(
  ctx: ParameterizedContext,
  target: URL,
  attach: Record<string, string>,
  owned: ReadonlySet<string>,
  agents: UpstreamAgents,
  options: ProxyOptions,
): Promise<void> {
  const body = await readBody(ctx.req, options.maxBodyBytes);
  const headers = forwardRequestHeaders(ctx.req.headers, attach);
  headers.host = target.host;
  // The length Node would add itself for a method it otherwise sends chunked (an empty POST):
  // with the headers given as a list it writes the head at once and adds none.
  if (body.length > 0 || ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined || !UNFRAMED.has(ctx.method)) {
    headers['content-length'] = String(body.length);
  }
  // A flat list: Node validates and writes each header once, as given, instead of storing every
  // one with setHeader (a lower-cased copy, an entry, a growing dictionary) and reading it back.
  const list: Array<string | string[]> = [];
  for (const name in headers) list.push(name, headers[name] as string | string[]);
  const secure = target.protocol === 'https:';
  const transport = secure ? https : http;

  // Why the BFF cut the exchange itself (a stall), so that a body broken off by it is a 504.
  let stalled: UpstreamTimeoutError | undefined;
  const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = transport.request({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (secure ? 443 : 80),
      method: ctx.method,
      path: ctx.req.url,
      headers: list as string[],
      agent: secure ? agents.https : agents.http,
    });
    const deadline = setTimeout(() => req.destroy(new UpstreamTimeoutError('upstream_timeout', 'The upstream service did not answer in time')), options.timeoutMs);
    // After the head arrives, an idle body for as long again ends the exchange.
    req.setTimeout(options.timeoutMs, () => {
      stalled = new UpstreamTimeoutError('upstream_timeout', 'The upstream service stalled');
      req.destroy(stalled);
    });
    // The client went away before the upstream answered: stop waiting for it.
    const onClientGone = () => req.destroy();
    ctx.res.once('close', onClientGone);
    let answered = false;
    req.once('response', (res) => {
      answered = true;
      clearTimeout(deadline);
      ctx.res.off('close', onClientGone);
      resolve(res);
    });
    req.once('error', (error) => {
      clearTimeout(deadline);
      ctx.res.off('close', onClientGone);
      reject(error instanceof UpstreamError ? error : new UpstreamError('upstream_unavailable', 'The upstream service is unavailable', { cause: error }));
    });
    // Closed without an answer or an error (e.g. destroyed after the client left): settle anyway.
    // The error is built only then: an Error captures a stack, too costly for every request.
    req.once('close', () => {
      clearTimeout(deadline);
      ctx.res.off('close', onClientGone);
      if (!answered) reject(new UpstreamError('upstream_unavailable', 'The upstream exchange was cut short'));
    });
    req.end(body);
  });

  ctx.status = upstream.statusCode ?? 502;
  const empty = EMPTY_STATUS.has(ctx.status) || ctx.method === 'HEAD';
  const length = upstream.headers['content-length'];
  const size = length === undefined ? Number.NaN : Number(length);
  const buffered = !empty && size <= BUFFER_LIMIT;
  // Set before the upstream's headers, which can neither replace nor repeat them (see headers.ts).
  // A value the security headers already set is not set again: each setHeader validates anew.
  for (const [name, value] of PROXIED_RESPONSE_HEADERS) if (ctx.res.getHeader(name) !== value) ctx.res.setHeader(name, value);
  for (const [name, value] of forwardResponseHeaders(upstream.headers, owned)) {
    // A buffered body's length is set from the bytes received (the same number, checked below).
    if (!(buffered && name === 'content-length')) ctx.set(name, value);
  }
  if (empty) {
    upstream.resume();
    return;
  }
  if (buffered) {
    // Small bodies (most API answers) are read whole and sent in one write: cheaper than a
    // stream pipeline per response, and a body that breaks off is a clean 502.
    try {
      ctx.body = await readUpstream(upstream, size);
    } catch (error) {
      if (!ctx.req.socket.destroyed) markOutcome(ctx.res, 'upstream_aborted');
      throw stalled ?? error;
    }
  } else {
    // Koa's pipeline cuts the client's response when this stream fails. The cause is the
    // upstream unless the client's socket went first (the pipeline then destroys the upstream).
    upstream.once('error', () => {
      if (!ctx.req.socket.destroyed) markOutcome(ctx.res, 'upstream_aborted');
    });
    try {
      // Until a first byte is forwarded no head is sent: an answer broken off by then is still a clean 502.
      await firstBytes(upstream, ctx.res);
    } catch (error) {
      if (!ctx.req.socket.destroyed) markOutcome(ctx.res, 'upstream_aborted');
      throw stalled ?? error;
    }
    ctx.body = upstream;
    if (length !== undefined) ctx.length = size;
  }
  if (!upstream.headers['content-type']) ctx.remove('Content-Type');
}

const BUFFER_LIMIT = 64 * 1024;

/** Resolves once the body's first bytes (or its end) are readable; rejects if it breaks off before. */
function firstBytes(res: http.IncomingMessage, client: http.ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      res.off('readable', onReadable);
      res.off('error', onError);
      res.off('aborted', onError);
      client.off('close', onClientGone);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = () => settle();
    const onError = (cause?: Error) => settle(new UpstreamError('upstream_unavailable', 'The upstream service broke off its answer', cause ? { cause } : undefined));
    const onClientGone = () => res.destroy();
    res.once('readable', onReadable);
    res.once('error', onError);
    res.once('aborted', onError);
    client.once('close', onClientGone);
  });
}

function readUpstream(res: http.IncomingMessage, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    res.once('end', () => {
      if (received !== size) reject(new UpstreamError('upstream_unavailable', 'The upstream service sent an incomplete answer'));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    });
    res.once('error', (error) => reject(error instanceof UpstreamError ? error : new UpstreamError('upstream_unavailable', 'The upstream service broke off its answer', { cause: error })));
    res.once('aborted', () => reject(new UpstreamError('upstream_unavailable', 'The upstream service broke off its answer')));
  });
}

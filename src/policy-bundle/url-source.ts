/**
 * A bundle from a bundle server (POLICY_BUNDLE_URL), polled the way OPA's bundle plugin does:
 * a GET with `If-None-Match: <last ETag>`; 304 keeps what is held, 200 brings a new bundle,
 * and only a change of bytes asks the reloader to load it. A bundle that fails its checks is
 * refused at that load (the previous policy keeps serving); a server that cannot be reached
 * changes nothing. Both are counted in status().
 */
import { createHash } from 'node:crypto';
import { EngineLoadError } from '../engine/errors.js';
import { readBundle } from './bundle.js';
import type { BundleKeys } from './keys.js';
import { BundleTracker } from './tracker.js';
import type { BundleLogger, PolicySource } from './types.js';

export interface UrlBundleSourceOptions {
  url: URL;
  keys: BundleKeys | undefined;
  /** Seconds between polls once started (0: no polling). */
  pollSeconds: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /**
   * Sent as `Authorization: Bearer <token>` (POLICY_BUNDLE_TOKEN). With a token a redirect is
   * refused rather than followed: the token goes only where the operator pointed it.
   */
  token?: string;
  /** Largest bundle accepted, compressed (default 32 MiB). */
  maxBytes?: number;
  logger?: BundleLogger;
}

export type PollResult = 'changed' | 'unchanged' | 'failed';

export interface UrlBundleSource extends PolicySource {
  /** Polls every pollSeconds from now; `onChange` runs after a download brought different bytes. */
  start(onChange: () => void): void;
  /** One poll now. Never rejects. */
  poll(): Promise<PollResult>;
  /** Stops polling and waits for a poll in progress. */
  close(): Promise<void>;
}

function unreadable(message: string, cause?: unknown): EngineLoadError {
  return new EngineLoadError('policy_bundle_unreadable', message, cause === undefined ? undefined : { cause });
}

/** The body, refusing more than `max` bytes without holding them. */
async function body(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) throw unreadable(`the bundle is larger than ${max} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw unreadable(`the bundle is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The URL as the log shows it: never a query (it may carry a token). Messages name no URL: the reloader names the bundle. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function createUrlBundleSource(options: UrlBundleSourceOptions): UrlBundleSource {
  const log = options.logger ?? { warn: () => undefined };
  const tracker = new BundleTracker('url', options.keys !== undefined);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  let held: { bytes: Uint8Array; digest: string } | undefined;
  let etag: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<PollResult> | undefined;
  let closed = false;

  /** GET with If-None-Match; resolves 'changed' when different bytes are now held. Throws unreadable. */
  async function download(): Promise<PollResult> {
    let response: Response;
    try {
      response = await fetch(options.url, {
        headers: {
          Accept: 'application/gzip, application/octet-stream',
          ...(etag && held ? { 'If-None-Match': etag } : {}),
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        },
        ...(options.token ? { redirect: 'manual' as const } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      // fetch's TypeError carries the socket's code (ECONNREFUSED, ENOTFOUND, ...); a timeout is a TimeoutError.
      const reason = (cause as { cause?: { code?: unknown } }).cause?.code ?? (cause as Error).name;
      throw unreadable(`the bundle server did not answer (${String(reason)})`, cause);
    }
    if (response.status === 304 && held) {
      await response.body?.cancel();
      return 'unchanged';
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const hint =
        response.status === 401 || response.status === 403
          ? options.token ? ': check POLICY_BUNDLE_TOKEN' : ': it may need POLICY_BUNDLE_TOKEN'
          : response.status >= 300 && response.status < 400 && options.token ? ': a redirect is not followed with POLICY_BUNDLE_TOKEN set; set POLICY_BUNDLE_URL to where the bundle is' : '';
      throw unreadable(`the bundle server answered ${response.status}${hint}`);
    }
    const bytes = await body(response, maxBytes);
    etag = response.headers.get('etag') ?? undefined;
    const digest = createHash('sha256').update(bytes).digest('hex');
    // A server without ETags sends the same bundle every time: no reload for that.
    if (held?.digest === digest) return 'unchanged';
    held = { bytes, digest };
    return 'changed';
  }

  async function pollOnce(): Promise<PollResult> {
    try {
      return await download();
    } catch (error) {
      tracker.refused(error);
      log.warn({ err: error, url: shown(options.url) }, 'policy bundle poll failed: the current policy keeps serving');
      return 'failed';
    }
  }

  function schedule(onChange: () => void): void {
    if (closed || options.pollSeconds <= 0) return;
    timer = setTimeout(() => {
      polling = pollOnce();
      void polling.then((result) => {
        if (result === 'changed' && !closed) onChange();
        schedule(onChange);
      });
    }, options.pollSeconds * 1000);
    timer.unref();
  }

  return {
    watchFile: undefined,
    status: () => tracker.status(),
    async read() {
      try {
        if (!held) await download();
        const bundle = await readBundle(held!.bytes, options.keys);
        tracker.succeeded(bundle.revision);
        return { wasm: bundle.wasm, bundleRevision: bundle.revision };
      } catch (error) {
        throw tracker.refused(error);
      }
    },
    start(onChange) {
      clearTimeout(timer);
      schedule(onChange);
    },
    poll: () => (polling = pollOnce()),
    async close() {
      closed = true;
      clearTimeout(timer);
      await polling;
    },
  };
}

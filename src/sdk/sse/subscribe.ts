import { fetchAsPlugin } from '../api/fetch.js';
import type { SdkContext } from '../context.js';
import { HttpError, NetworkError, SdkError, TopicDeniedError, errorFromResponse } from '../errors/index.js';
import type { PluginLogger } from '../telemetry/index.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { createSseParser, type ParsedEvent } from './parser.js';
import type { PluginSse, SseHandler, SseMessage, SubscribeOptions, Subscription } from './types.js';

export interface SseTiming extends BackoffOptions {
  /** Resolves after `ms` or when `signal` aborts. Injected in tests. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const STREAM_PATH = '/events/stream';

/**
 * Builds `sse.subscribe`: reads `/events/stream` with `fetch` (EventSource cannot send
 * `X-Plugin-Id`), reconnects with backoff and `Last-Event-ID`, and stops for good on a denied
 * topic or a lost session instead of retrying forever.
 */
export function createSse(ctx: SdkContext, logger: PluginLogger, timing: SseTiming = {}): PluginSse {
  return {
    subscribe<T>(topics: string | readonly string[], handler: SseHandler<T>, options: SubscribeOptions = {}): Subscription {
      const list = typeof topics === 'string' ? [topics] : [...topics];
      const path = `${STREAM_PATH}?topics=${list.map(encodeURIComponent).join(',')}`;
      if (list.length === 0 || list.some((t) => t === '')) {
        throw new SdkError('invalid_topics', 'subscribe needs at least one non-empty topic', {
          pluginId: ctx.pluginId, method: 'GET', url: path,
        });
      }
      const abort = new AbortController();
      options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
      const sub = { closed: false, close: () => { sub.closed = true; abort.abort(); } };
      void run(ctx, logger, timing, path, list, handler as SseHandler, options, abort.signal).finally(() => {
        sub.closed = true;
      });
      return sub;
    },
  };
}

async function run(
  ctx: SdkContext, logger: PluginLogger, timing: SseTiming, path: string, topics: string[],
  handler: SseHandler, options: SubscribeOptions, signal: AbortSignal,
): Promise<void> {
  const delay = timing.delay ?? abortableDelay;
  const where = { pluginId: ctx.pluginId, method: 'GET', url: path };
  const report = options.onError ?? ((e: SdkError, info: { retrying: boolean }) =>
    logger[info.retrying ? 'warn' : 'error'](e.message, { code: e.code, retrying: info.retrying }));
  let attempt = 0;
  let lastEventId: string | undefined;
  let retryMs: number | undefined;

  while (!signal.aborted) {
    let failure: SdkError;
    let waitAtLeast = 0;
    try {
      const headers = new Headers({ Accept: 'text/event-stream' });
      if (lastEventId !== undefined) headers.set('Last-Event-ID', lastEventId);
      const res = await fetchAsPlugin(ctx, new URL(path, ctx.origin), { headers, cache: 'no-store', signal });
      if (!res.ok) {
        const err = await errorFromResponse(res, where);
        if (isFatal(err)) {
          report(err.status === 403 ? new TopicDeniedError({ ...where, ...fields(err), topics }) : err, { retrying: false });
          return;
        }
        failure = err;
        waitAtLeast = (err.retryAfter ?? 0) * 1000;
      } else {
        options.onOpen?.();
        const parser = createSseParser();
        await read(res, (chunk) => {
          attempt = 0; // bytes are flowing: the next outage starts the backoff afresh
          for (const ev of parser.feed(chunk)) {
            if (ev.event === 'reset') onReset(ev, options, logger);
            else deliver(ev, handler, report, where);
          }
          lastEventId = parser.lastEventId ?? lastEventId;
          retryMs = parser.retryMs ?? retryMs;
        });
        failure = new NetworkError({ ...where, cause: new Error('the stream ended') });
      }
    } catch (cause) {
      if (signal.aborted) return;
      failure = cause instanceof SdkError ? cause : new NetworkError({ ...where, cause });
    }
    if (signal.aborted) return;
    const wait = Math.max(waitAtLeast, backoffDelay(attempt++, { ...timing, baseMs: retryMs ?? timing.baseMs }));
    report(failure, { retrying: true, delayMs: wait });
    await delay(wait, signal);
  }
}

/** 4xx other than 408/429 cannot get better by retrying (denied topic, session gone). */
function isFatal(err: HttpError): boolean {
  return err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
}

function fields(err: HttpError) {
  return {
    status: err.status,
    ...(err.serverCode !== undefined ? { serverCode: err.serverCode } : {}),
    ...(err.serverMessage !== undefined ? { serverMessage: err.serverMessage } : {}),
  };
}

async function read(res: Response, onChunk: (text: string) => void): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk(decoder.decode(value, { stream: true }));
  }
}

function deliver(
  ev: ParsedEvent, handler: SseHandler, report: NonNullable<SubscribeOptions['onError']>,
  where: { pluginId: string; method: string; url: string },
): void {
  if (ev.event !== 'message') return;
  let message: SseMessage;
  try {
    const body = JSON.parse(ev.data) as { topic?: unknown; data?: unknown; ts?: unknown };
    if (typeof body.topic !== 'string') throw new Error('no topic');
    const ts = typeof body.ts === 'number' || typeof body.ts === 'string' ? body.ts : undefined;
    message = { id: ev.id, topic: body.topic, data: body.data, ts };
  } catch (cause) {
    report(new SdkError('invalid_event', 'an event is not {topic, data, ts} JSON; skipped', { ...where, cause }), { retrying: true });
    return;
  }
  try {
    handler(message);
  } catch (cause) {
    report(new SdkError('handler_failed', `the subscriber threw on ${message.topic}`, { ...where, cause }), { retrying: true });
  }
}

/** `event: reset`: events were missed; the subscriber reloads what they update. */
function onReset(ev: ParsedEvent, options: SubscribeOptions, logger: PluginLogger): void {
  let reason = 'unknown';
  try {
    const body = JSON.parse(ev.data) as { reason?: unknown };
    if (typeof body.reason === 'string') reason = body.reason;
  } catch {
    // A reset without a readable reason is still a reset.
  }
  if (!options.onReset) {
    logger.warn('events were missed and cannot be replayed (reset); reload what they update', { reason });
    return;
  }
  try {
    options.onReset({ reason });
  } catch (cause) {
    logger.error('the onReset handler threw', { reason, error: cause instanceof Error ? cause.message : String(cause) });
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

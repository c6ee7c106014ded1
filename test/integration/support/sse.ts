/**
 * A real SSE client the way the SDK reads streams: fetch with streaming, custom headers
 * (EventSource cannot send X-Plugin-Id), frames parsed as they arrive.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  /** The frame's raw text, to assert the exact framing. */
  raw: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** Body text when the server refused (no stream). */
  text?: string;
  /** Resolves with the first frame (from now on, including buffered ones) matching `predicate`. */
  next(predicate?: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended(timeoutMs?: number): Promise<void>;
  frames: SseFrame[];
  close(): void;
}

function parse(raw: string): SseFrame {
  const frame: SseFrame = { raw };
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    const m = /^(id|event|data): ?(.*)$/.exec(line);
    if (m) frame[m[1] as 'id' | 'event' | 'data'] = m[2];
  }
  return frame;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (res.status !== 200 || !res.body) {
    return {
      status: res.status,
      headers: res.headers,
      text: await res.text(),
      next: () => Promise.reject(new Error('no stream')),
      ended: () => Promise.resolve(),
      frames: [],
      close: () => controller.abort(),
    };
  }
  const frames: SseFrame[] = [];
  let cursor = 0;
  let done = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          frames.push(parse(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
        wake();
      }
    } catch {
      // aborted by close()
    }
    done = true;
    wake();
  })();

  // `ready` answers true (resolve), false (keep waiting) or an Error (reject).
  const wait = (ready: () => boolean | Error, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const settle = (): boolean => {
        const state = ready();
        if (state === false) return false;
        if (state === true) resolve();
        else reject(state);
        return true;
      };
      if (settle()) return;
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`SSE: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!settle()) return;
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });

  return {
    status: res.status,
    headers: res.headers,
    frames,
    async next(predicate = () => true, timeoutMs = 5000) {
      let found: SseFrame | undefined;
      await wait(
        () => {
          while (cursor < frames.length) {
            const frame = frames[cursor++] as SseFrame;
            if (predicate(frame)) {
              found = frame;
              return true;
            }
          }
          return done ? new Error('SSE: the stream ended first') : false;
        },
        timeoutMs,
        'a matching frame',
      );
      return found as SseFrame;
    },
    ended: (timeoutMs = 5000) => wait(() => done, timeoutMs, 'the end of the stream'),
    close: () => controller.abort(),
  };
}

/** The JSON payload of a message frame. */
export function payload(frame: SseFrame): { topic: string; data: unknown; ts: string } {
  return JSON.parse(frame.data ?? 'null') as { topic: string; data: unknown; ts: string };
}

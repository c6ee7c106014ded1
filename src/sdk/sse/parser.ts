/** One dispatched server-sent event, as the EventSource algorithm defines it. */
export interface ParsedEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds a decoded chunk; returns the events it completed. */
  feed(chunk: string): ParsedEvent[];
  /** The last `id:` seen (kept across events, as `Last-Event-ID` is). */
  readonly lastEventId: string | undefined;
  /** The last `retry:` in milliseconds, if the server sent one. */
  readonly retryMs: number | undefined;
}

/**
 * An incremental `text/event-stream` parser (WHATWG HTML, "Interpreting an event stream"):
 * any line ending, comments ignored, `data` lines joined with `\n`, dispatch on a blank line.
 */
export function createSseParser(): SseParser {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let lastEventId: string | undefined;
  let retryMs: number | undefined;
  let sawField = false;

  function line(text: string, out: ParsedEvent[]): void {
    if (text === '') {
      if (sawField && data.length > 0) out.push({ id: lastEventId, event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      sawField = false;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    sawField = true;
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  }

  return {
    feed(chunk) {
      buffer += chunk;
      const out: ParsedEvent[] = [];
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        if (!m) break;
        // A lone `\r` at the very end may be the first half of `\r\n`: wait for more.
        if (m[0] === '\r' && m.index === buffer.length - 1) break;
        line(buffer.slice(0, m.index), out);
        buffer = buffer.slice(m.index + m[0].length);
      }
      return out;
    },
    get lastEventId() {
      return lastEventId;
    },
    get retryMs() {
      return retryMs;
    },
  };
}

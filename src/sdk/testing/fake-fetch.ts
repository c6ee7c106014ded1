/**
 * A fetch stand-in for unit tests: records every request and answers from a responder.
 * It is a fake, not a mock of the platform: no network, no cookies, no CORS.
 */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  init: RequestInit;
}

export type Responder = (req: RecordedRequest) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  readonly requests: RecordedRequest[];
}

export function createFakeFetch(responder: Responder): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fake = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const req: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      init,
    };
    requests.push(req);
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return responder(req);
  };
  return { fetch: fake as typeof fetch, requests };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A streaming `text/event-stream` response whose chunks are pushed by the test. */
export function sseResponse(): { response: Response; push(text: string): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => { controller = c; } });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    push: (text) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

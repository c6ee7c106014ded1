/**
 * How an exchange ended, beside its status: the `outcome` of the request log line and of
 * `experience_http_requests_total`. A status alone says what the response head announced, not
 * whether the body arrived: a streamed answer cut by its upstream still began with a 200.
 * The part that cuts a response records why, keyed by the response (the proxy, the SSE
 * registry and the shutdown drain only hold the raw Node response); the request log reads it
 * when the response closes.
 */
import type { ServerResponse } from 'node:http';

/**
 * - `completed`: the response was sent whole.
 * - `upstream_aborted`: the upstream broke off (or stalled in) its answer: a buffered answer
 *   became a 502/504, a streamed one was cut after its head.
 * - `client_aborted`: the client closed the connection before the response was complete
 *   (for an SSE stream, the ordinary way it ends).
 * - `slow_client`: an SSE stream the BFF dropped, socket and all, because it fell too far behind.
 * - `shutdown`: still running at the end of SHUTDOWN_TIMEOUT_MS, and cut.
 * - `server_error`: the BFF cut a response it had begun, for a fault of its own.
 */
export type Outcome = 'completed' | 'upstream_aborted' | 'client_aborted' | 'slow_client' | 'shutdown' | 'server_error';

const cuts = new WeakMap<ServerResponse, Outcome>();

/** Records why a response did not end normally. The first reason wins: it is the cause, what follows is its effect. */
export function markOutcome(res: ServerResponse, outcome: Exclude<Outcome, 'completed' | 'client_aborted'>): void {
  if (!cuts.has(res)) cuts.set(res, outcome);
}

/** The reason recorded with markOutcome, if any. */
export function markedOutcome(res: ServerResponse): Outcome | undefined {
  return cuts.get(res);
}

/** The outcome of a closed response: the recorded reason, else whether it was sent whole. */
export function outcomeOf(res: ServerResponse): Outcome {
  return cuts.get(res) ?? (res.writableFinished ? 'completed' : 'client_aborted');
}

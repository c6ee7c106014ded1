/**
 * The SSE frames the BFF writes (docs/contracts.md, "SSE framing"), built with better-sse's
 * EventBuffer: events, resets, heartbeats and the last frame of a stream the BFF ends.
 */
import { createEventBuffer, type EventBuffer } from 'better-sse';
import type { HubEvent, ResetReason } from './types.js';

// better-sse writes `field:value`; the space gives the documented `field: value` framing.
// Values never legitimately hold line breaks (JSON, numbers, names), so they are removed.
export const sanitizer = (text: string): string => ` ${text.replace(/[\r\n]+/g, '')}`;

/** The reconnection delay the SDK is told (on open, and again when the BFF ends a stream). */
export const RETRY_MS = 2000;

// The last frame tells the SDK why the stream ends; on any end it reconnects after `retry`
// (to another replica during a rolling deploy; a revoked topic is then refused with 403).
export const SHUTDOWN_FRAME = () => createEventBuffer({ sanitizer }).retry(RETRY_MS).comment('shutdown').dispatch();
export const REVOKED_FRAME = () => createEventBuffer({ sanitizer }).comment('revoked').dispatch();
export const SESSION_ENDED_FRAME = () => createEventBuffer({ sanitizer }).comment('session ended').dispatch();
// The replay could not be read (the store went away as the stream opened): the client
// reconnects with the same Last-Event-ID, having received nothing.
export const UNAVAILABLE_FRAME = () => createEventBuffer({ sanitizer }).retry(RETRY_MS).comment('unavailable').dispatch();
export const PING_FRAME = () => createEventBuffer({ sanitizer }).comment('ping').dispatch();

/** `id: <id>` / `event: message` / `data: {topic, data, ts}`: read, never consumed, so one frame serves every stream. */
export function messageFrame(event: HubEvent): EventBuffer {
  return createEventBuffer({ sanitizer }).id(event.id).event('message').data({ topic: event.topic, data: event.data, ts: event.ts }).dispatch();
}

/** `[id: <head>]` / `event: reset` / `data: {"reason"}`: the client missed events it cannot be given. */
export function resetFrame(reason: ResetReason, head: string | undefined): EventBuffer {
  const frame = createEventBuffer({ sanitizer });
  if (head !== undefined) frame.id(head);
  return frame.event('reset').data({ reason }).dispatch();
}
